package jsonscan

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// parseNumber converts validated number text into a float64 when float64
// holds its value exactly, and otherwise keeps the text, as a
// json.Number: a log's 12345678901234567890123 or 1e400 must come back
// out of a state as it went in, not rounded or clamped. Only the spelling
// of a number may change (1.0 and 1e2 come back as 1 and 100).
func parseNumber(num []byte) any {
	if f, ok := exactFloat(num); ok {
		return f
	}
	return json.Number(num)
}

// NumberAt reads the number at data[i] without boxing it in an any: its
// value, when a float64 holds it exactly (else exact is false and the
// caller keeps its text, as Decode does), and the offset after it.
func NumberAt(data []byte, i int) (f float64, exact bool, end int, err error) {
	if i >= len(data) {
		return 0, false, i, errAt(data, i, "a number")
	}
	if end, err = skipNumber(data, i); err != nil {
		return 0, false, end, err
	}
	f, exact = exactFloat(data[i:end])
	return f, exact, end, nil
}

// exactFloat is validated number text as a float64, and whether that
// float64 is exactly the number.
func exactFloat(num []byte) (float64, bool) {
	neg := num[0] == '-'
	digits := num
	if neg {
		digits = num[1:]
	}
	if len(digits) <= 15 { // integers of up to 15 digits are exact in float64
		var n int64
		ok := true
		for _, c := range digits {
			if c < '0' || c > '9' {
				ok = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if ok {
			if neg {
				if n == 0 {
					return math.Copysign(0, -1), true
				}
				return float64(-n), true
			}
			return float64(n), true
		}
	}
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil || !exactIn(num, f) {
		return 0, false
	}
	return f, true
}

// exactIn reports whether f, which num was parsed into, has num's value:
// whether the text float64 writes for f means the same number.
func exactIn(num []byte, f float64) bool {
	// float64 keeps 15 significant decimal digits of any number in its
	// normal range, so most numbers need no second look.
	if digits, exp, ok := shape(num); ok && digits <= 15 && exp > -307 && exp < 308 {
		return true
	}
	return SameNumber(num, strconv.AppendFloat(nil, f, 'e', -1, 64))
}

// shape returns the number of significant digits of validated number
// text and the power of ten of its first one (2 for 123.4, -2 for
// 0.05); ok is false for zero and for exponents too long to read.
func shape(num []byte) (digits, exp int, ok bool) {
	first, last, point := -1, -1, -1
	i := 0
	for ; i < len(num) && num[i] != 'e' && num[i] != 'E'; i++ {
		switch c := num[i]; {
		case c == '.':
			point = i
		case c >= '1' && c <= '9':
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	if point < 0 {
		point = i
	}
	digits = last - first + 1
	if first < point && point < last {
		digits--
	}
	exp = point - first - 1
	if first > point {
		exp = point - first
	}
	if i < len(num) {
		e, err := strconv.Atoi(string(num[i+1:]))
		if err != nil || e > 1e6 || e < -1e6 {
			return 0, 0, false
		}
		exp += e
	}
	return digits, exp, true
}

// SameNumber reports whether two valid JSON number texts have the same
// value, however they are spelled (1, 1.0, 10e-1); -0 and 0 are the same.
func SameNumber(a, b []byte) bool {
	da, ea, negA := decimal(a)
	db, eb, negB := decimal(b)
	if len(da) == 0 || len(db) == 0 {
		return len(da) == len(db)
	}
	return negA == negB && ea == eb && bytes.Equal(da, db)
}

// decimal returns the significant digits of valid number text, without
// leading or trailing zeros (none for zero), the power of ten of the
// first one, and the sign. Exponents beyond what an int holds saturate,
// which is far beyond what any two different numbers in a log differ by.
func decimal(num []byte) (digits []byte, exp int, neg bool) {
	i := 0
	if num[0] == '-' {
		neg, i = true, 1
	}
	point := -1
	for ; i < len(num) && num[i] != 'e' && num[i] != 'E'; i++ {
		if num[i] == '.' {
			point = len(digits)
		} else {
			digits = append(digits, num[i])
		}
	}
	if point < 0 {
		point = len(digits)
	}
	lead := 0
	for lead < len(digits) && digits[lead] == '0' {
		lead++
	}
	digits, point = bytes.TrimRight(digits[lead:], "0"), point-lead
	if len(digits) == 0 {
		return nil, 0, neg
	}
	exp = point - 1
	if i < len(num) {
		// The text is valid: the only error is a range error, for
		// which ParseInt returns the nearest int64.
		e, _ := strconv.ParseInt(string(num[i+1:]), 10, 64)
		exp = saturatingAdd(exp, e)
	}
	return digits, exp, neg
}

func saturatingAdd(a int, b int64) int {
	switch {
	case b > 0 && int64(a) > math.MaxInt64-b:
		return math.MaxInt64
	case b < 0 && int64(a) < math.MinInt64-b:
		return math.MinInt64
	}
	return a + int(b)
}
