package viz

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/descentlab/descent/internal/atomicfile"
)

// WriteFile writes a file atomically: write fills a temporary file in the
// same folder, which is synced and then renamed over path, so readers see the
// old file or the complete new one, never a part. On any error the temporary
// file is removed and path is left as it was.
func WriteFile(path string, write func(io.Writer) error) error {
	return atomicfile.WriteFunc(path, write)
}

// formats maps file extensions to output formats.
var formats = map[string]string{".png": "png", ".svg": "svg", ".gif": "gif", ".csv": "csv"}

// FormatOf returns the output format named by the extension of path:
// "png", "svg", "gif" or "csv", matched case-insensitively.
func FormatOf(path string) (string, error) {
	ext := filepath.Ext(path)
	if f, ok := formats[strings.ToLower(ext)]; ok {
		return f, nil
	}
	if ext == "" {
		return "", fmt.Errorf("viz: %q has no extension: want .png, .svg, .gif or .csv", path)
	}
	return "", fmt.Errorf("viz: %q has extension %q: want .png, .svg, .gif or .csv", path, ext)
}
