package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/descentlab/descent/internal/atomicfile"
)

// FetchMNIST downloads the four MNIST files (MNISTFiles) into dir, trying
// each base URL of mirrors in turn (MNISTMirrors when nil), and keeps a
// file only if its size and SHA-256 are the published ones; each is written
// atomically, so an interrupted fetch leaves no partial file. A file
// already in dir with the right SHA-256 is not downloaded again. log, when
// not nil, gets one line per file. client nil means http.DefaultClient.
func FetchMNIST(ctx context.Context, client *http.Client, mirrors []string, dir string, log io.Writer) error {
	if client == nil {
		client = http.DefaultClient
	}
	if mirrors == nil {
		mirrors = MNISTMirrors()
	}
	if len(mirrors) == 0 {
		return errors.New("data: no mirror to fetch MNIST from")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("data: cannot create %s: %v", dir, err)
	}
	for _, f := range MNISTFiles() {
		path := filepath.Join(dir, f.Name)
		if fileHas(path, f) {
			if log != nil {
				fmt.Fprintf(log, "%s: already there, SHA-256 checked\n", path)
			}
			continue
		}
		var errs []error
		for _, base := range mirrors {
			err := fetchFile(ctx, client, base+f.Name, path, f)
			if err == nil {
				if log != nil {
					fmt.Fprintf(log, "%s: %d bytes from %s, SHA-256 checked\n", path, f.Size, base)
				}
				errs = nil
				break
			}
			errs = append(errs, err)
			if ctx.Err() != nil {
				break
			}
		}
		if errs != nil {
			return fmt.Errorf("data: cannot fetch %s: %w", f.Name, errors.Join(errs...))
		}
	}
	return nil
}

// fileHas reports whether path holds exactly the published file f.
func fileHas(path string, f MNISTFile) bool {
	file, err := os.Open(path)
	if err != nil {
		return false
	}
	defer file.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(file, f.Size+1))
	return err == nil && n == f.Size && hex.EncodeToString(h.Sum(nil)) == f.SHA256
}

// fetchFile downloads url into path if it is the file f: never more than
// f.Size+1 bytes are read, and nothing is written unless size and SHA-256
// match.
func fetchFile(ctx context.Context, client *http.Client, url, path string, f MNISTFile) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	return atomicfile.WriteFunc(path, func(w io.Writer) error {
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(resp.Body, f.Size+1))
		if err != nil {
			return fmt.Errorf("%s: %v", url, err)
		}
		if sum := hex.EncodeToString(h.Sum(nil)); n != f.Size || sum != f.SHA256 {
			return fmt.Errorf("%s: %d bytes with SHA-256 %s, want %d bytes with SHA-256 %s", url, n, sum, f.Size, f.SHA256)
		}
		return nil
	})
}
