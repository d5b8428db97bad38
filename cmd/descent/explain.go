package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/descentlab/descent/explain"
	"github.com/descentlab/descent/optim"
)

func newExplainCmd(e *env) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "explain [NAME] [--lang en|ja]",
		Short: "Explain an optimizer: update rule, hyperparameters, pseudo-code, the study note's differences",
		Long: `explain NAME writes what the optimizer NAME does: its update rule, its
hyperparameters with their defaults and allowed values, a five-line
pseudo-code, when to use it, where the study note's formula or code
differs, and what the spec key variant=note changes. explain alone lists
the optimizers, one line each.

NAME is one of ` + strings.Join(optim.Methods(), ", ") + `, or the wrapper
` + strings.Join(optim.Wrappers(), ", ") + `.
--lang is ` + strings.Join(explain.Languages(), " or ") + ` (default $DESCENT_LANG, else en).`,
		Example: `  descent explain
  descent explain adam --lang ja`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("explain: want at most one method name, got %d: %s", len(args), strings.Join(args, " "))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if lang = langOf(cmd); lang == "" {
				lang = "en"
			}
			if len(args) == 0 {
				if err := explain.List(e.stdout, lang); err != nil {
					return fmt.Errorf("explain: --lang: %v", err)
				}
				return nil
			}
			if err := explain.Render(e.stdout, args[0], lang); err != nil {
				return fmt.Errorf("explain: %v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "en", "language of the explanation: "+strings.Join(explain.Languages(), " or "))
	return cmd
}
