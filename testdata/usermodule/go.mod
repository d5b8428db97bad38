module example.com/usermodule

go 1.26.8

require github.com/descentlab/descent v0.0.0

require golang.org/x/sys v0.50.0 // indirect

replace github.com/descentlab/descent => ../..
