module github.com/descentlab/descent/docs

go 1.26.0
