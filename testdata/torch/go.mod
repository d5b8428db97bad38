module github.com/descentlab/descent/testdata/torch

go 1.26.0
