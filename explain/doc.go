// Package explain writes, for a terminal, what each optimizer of package
// optim does, in English or Japanese: for the learner preparing for the
// JDLA Deep Learning exam (E資格) who reads the study note
// (docs/optimizers-study-note.ja.md, from shared/seed) next to the code.
//
// # What an explanation holds
//
// Render writes, for one method of optim.Methods():
//
//   - the update rule as Unicode formulas (η the learning rate, g the
//     gradient, t the step count from 1);
//   - the hyperparameters: key, default and allowed values come from
//     optim.Options, so they are always the ones optim uses; the
//     description is optim's (English) or this package's (Japanese);
//   - a pseudo-code of exactly five lines;
//   - when to use the method and how it behaves, e.g. on the narrow
//     valley x²/20+y²;
//   - where the study note's formula or code differs from the real method,
//     or that the method is beyond the note;
//   - what the spec key variant=note changes.
//
// List writes one line per method. gd is an alias of sgd and is explained
// as sgd, with a line saying so.
//
// # Where the text lives
//
// The prose, formulas and pseudo-code of each method are in
// text/LANG/METHOD.txt, embedded in the binary. A file is a list of
// sections, each starting at a line [name]: summary, formula, pseudocode,
// behaviour, note, variant. Formula and pseudo-code lines are written as
// they are; each line of the other sections is a paragraph, wrapped to 80
// columns (Japanese by the usual line-breaking rules; a line starting "- "
// is a bullet). Tests check that every method and language has every
// section, that the pseudo-code has five lines, and that every
// hyperparameter key has a Japanese description.
package explain
