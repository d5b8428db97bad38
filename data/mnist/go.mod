module github.com/descentlab/descent/data/mnist

go 1.26.0
