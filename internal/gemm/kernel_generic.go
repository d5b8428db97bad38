package gemm

// kernelGeneric is the portable micro-kernel and the reference for the
// assembly ones: the top-left rows×cols of the mr×nr tile ap·bp meets C at c
// as mode says; nothing else of c is read or written. mr ≤ maxMR.
func kernelGeneric(kc, mr int, ap, bp, c []float32, ldc int, beta float32, mode, rows, cols int) {
	var buf [maxMR * nr]float32
	acc := buf[:mr*nr]
	ap = ap[:kc*mr]
	bp = bp[:kc*nr]
	for q := range kc {
		b := (*[nr]float32)(bp[q*nr:])
		a := ap[q*mr : q*mr+mr]
		for i, ai := range a {
			row := (*[nr]float32)(acc[i*nr:])
			for j, bj := range b {
				row[j] += ai * bj
			}
		}
	}
	for i := range rows {
		dst := c[i*ldc : i*ldc+cols]
		src := acc[i*nr : i*nr+cols]
		switch mode {
		case modeStore:
			copy(dst, src)
		case modeAdd:
			for j, v := range src {
				dst[j] += v
			}
		default:
			for j, v := range src {
				dst[j] = v + beta*dst[j]
			}
		}
	}
}
