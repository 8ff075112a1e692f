package pyrandom

import (
	"math/big"
	"testing"
)

// Expected values printed by CPython 3.11:
//
//	r = random.Random(seed); [r.randint(0, 10000) for _ in range(8)]
func TestRandIntMatchesCPython(t *testing.T) {
	big2 := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 10); return v }
	cases := []struct {
		seed *big.Int
		want []int64
	}{
		{big.NewInt(0), []int64{6311, 6890, 663, 4242, 8376, 7961, 6634, 4969}},
		{big.NewInt(1), []int64{2201, 9325, 1033, 4179, 1931, 8117, 7364, 7737}},
		{big.NewInt(42), []int64{1824, 409, 4506, 4012, 3657, 2286, 1679, 8935}},
		{big.NewInt(12345), []int64{6825, 166, 4892, 6036, 3172, 4427, 9273, 7147}},
		{big.NewInt(-7), []int64{5305, 2471, 6468, 791, 1186, 8779, 1542, 5991}},                // |seed| is used
		{big2("4294967301"), []int64{2576, 7954, 4628, 9903, 237, 5817, 2806, 8122}},            // 2**32 + 5: two words
		{big2("1180591620717411303427"), []int64{2677, 5424, 4014, 4613, 2692, 544, 5940, 740}}, // 2**70 + 3: three words
	}
	for _, c := range cases {
		r := New(c.seed)
		for i, want := range c.want {
			if got := r.RandInt(0, 10000); got != want {
				t.Fatalf("seed %s draw %d: got %d, CPython gives %d", c.seed, i, got, want)
			}
		}
	}
}

// random.Random(42).getrandbits(32) three times, printed by CPython 3.11.
func TestGetRandBits32(t *testing.T) {
	r := NewInt64(42)
	for i, want := range []uint64{2746317213, 478163327, 107420369} {
		if got := r.GetRandBits(32); got != want {
			t.Fatalf("draw %d: got %d, want %d", i, got, want)
		}
	}
}

func TestReseedRestartsTheSequence(t *testing.T) {
	r := NewInt64(7)
	first := r.RandInt(0, 10000)
	r.RandInt(0, 10000)
	r.Seed(big.NewInt(7))
	if again := r.RandInt(0, 10000); again != first {
		t.Fatalf("after reseeding: got %d, want the first draw %d again", again, first)
	}
}
