// Package pyrandom reproduces the integer draws of CPython's random.Random (MT19937), so a seeded Go service
// draws exactly the numbers the Python service draws.
//
// Seeding follows CPython's random_seed for an int: the absolute value of the seed is split into 32-bit words,
// least significant first (0 gives the single word 0), and fed to MT19937's init_by_array. randint(a, b) is
// a + _randbelow(b-a+1), and _randbelow(n) draws getrandbits(n.bit_length()) until the value is below n.
package pyrandom

import (
	"math/big"
	"math/bits"
)

const (
	n         = 624
	m         = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// Random is a Mersenne Twister seeded like CPython's random.Random(seed).
type Random struct {
	mt  [n]uint32
	mti int
}

// New returns the generator random.Random(seed) would be.
func New(seed *big.Int) *Random {
	r := &Random{}
	r.Seed(seed)
	return r
}

// NewInt64 is New for a seed that fits in an int64.
func NewInt64(seed int64) *Random {
	return New(big.NewInt(seed))
}

// Seed re-seeds like random.Random.seed(int): init_by_array on the 32-bit words of |seed|.
func (r *Random) Seed(seed *big.Int) {
	abs := new(big.Int).Abs(seed)
	var key []uint32
	mask := big.NewInt(0xffffffff)
	for abs.Sign() > 0 {
		key = append(key, uint32(new(big.Int).And(abs, mask).Uint64()))
		abs.Rsh(abs, 32)
	}
	if len(key) == 0 {
		key = []uint32{0}
	}
	r.initByArray(key)
}

func (r *Random) initGenrand(s uint32) {
	r.mt[0] = s
	for i := 1; i < n; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.mti = n
}

func (r *Random) initByArray(key []uint32) {
	r.initGenrand(19650218)
	i, j := 1, 0
	k := n
	if len(key) > k {
		k = len(key)
	}
	for ; k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= n {
			r.mt[0] = r.mt[n-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k = n - 1; k > 0; k-- {
		r.mt[i] = (r.mt[i] ^ ((r.mt[i-1] ^ (r.mt[i-1] >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= n {
			r.mt[0] = r.mt[n-1]
			i = 1
		}
	}
	r.mt[0] = 0x80000000
}

// Uint32 is genrand_uint32: the next 32 random bits.
func (r *Random) Uint32() uint32 {
	if r.mti >= n {
		var kk int
		for kk = 0; kk < n-m; kk++ {
			y := (r.mt[kk] & upperMask) | (r.mt[kk+1] & lowerMask)
			r.mt[kk] = r.mt[kk+m] ^ (y >> 1) ^ (y&1)*matrixA
		}
		for ; kk < n-1; kk++ {
			y := (r.mt[kk] & upperMask) | (r.mt[kk+1] & lowerMask)
			r.mt[kk] = r.mt[kk+(m-n)] ^ (y >> 1) ^ (y&1)*matrixA
		}
		y := (r.mt[n-1] & upperMask) | (r.mt[0] & lowerMask)
		r.mt[n-1] = r.mt[m-1] ^ (y >> 1) ^ (y&1)*matrixA
		r.mti = 0
	}
	y := r.mt[r.mti]
	r.mti++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// GetRandBits is random.getrandbits(k) for 0 <= k <= 64 (CPython fills 32-bit words, least significant first,
// and drops the surplus high bits of the last word).
func (r *Random) GetRandBits(k int) uint64 {
	if k <= 0 {
		return 0
	}
	if k <= 32 {
		return uint64(r.Uint32() >> (32 - k))
	}
	low := uint64(r.Uint32())
	high := uint64(r.Uint32() >> (64 - k))
	return high<<32 | low
}

// RandBelow is random._randbelow(n) for 0 < n < 2^63: rejection sampling on n.bit_length() bits.
func (r *Random) RandBelow(limit uint64) uint64 {
	k := bits.Len64(limit)
	v := r.GetRandBits(k)
	for v >= limit {
		v = r.GetRandBits(k)
	}
	return v
}

// RandInt is random.randint(a, b): uniform on [a, b], both ends included (a <= b).
func (r *Random) RandInt(a, b int64) int64 {
	return a + int64(r.RandBelow(uint64(b-a+1)))
}
