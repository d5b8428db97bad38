package lab

import (
	"bufio"
	"io"
	"strconv"
)

// CSVHeader is the header line of WriteCSV's output.
const CSVHeader = "optimizer,step,x,y,loss"

// WriteCSV writes trajectories as CSV with the header CSVHeader and one row
// per step per trajectory, numbers in full float64 precision (they parse
// back to the same bits).
func WriteCSV(w io.Writer, trs []Trajectory) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(CSVHeader + "\n")
	var buf []byte
	for _, tr := range trs {
		label := csvField(tr.Spec)
		for k, p := range tr.Points {
			buf = append(buf[:0], label...)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(k), 10)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, p.X, 'g', -1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, p.Y, 'g', -1, 64)
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, tr.Loss[k], 'g', -1, 64)
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// csvField quotes s as RFC 4180 requires when it holds a comma, quote or
// newline (a spec with options always holds commas).
func csvField(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',', '"', '\n', '\r':
			q := []byte{'"'}
			for j := 0; j < len(s); j++ {
				if s[j] == '"' {
					q = append(q, '"')
				}
				q = append(q, s[j])
			}
			return string(append(q, '"'))
		}
	}
	return s
}
