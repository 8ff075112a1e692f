package ids

import "testing"

// Expected ids printed by python: qtrader.contracts.ids.uuid5 / run_id (themselves equal to uuid.uuid5).
func TestUUID5MatchesPython(t *testing.T) {
	cases := []struct{ ns, name, want string }{
		{"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "execution/0", "c495713b-67b7-5d00-893a-c59e0f2b726d"},
		{"6ba7b810-9dad-11d1-80b4-00c04fd430c8", "execution/fill/3", "19144273-1d4b-5003-9b80-e95d96e9a7d9"},
		{"00000000-0000-0000-0000-000000000000", "é", "ed49db43-7e04-576f-8b0f-7b95da62fc9c"}, // UTF-8 name
	}
	for _, c := range cases {
		got, err := UUID5(c.ns, c.name)
		if err != nil || got != c.want {
			t.Fatalf("UUID5(%s, %q) = %s, %v; want %s", c.ns, c.name, got, err, c.want)
		}
	}
}

func TestEventAndKindIDs(t *testing.T) {
	ns := "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
	if got, _ := EventID(ns, "execution", 0); got != "c495713b-67b7-5d00-893a-c59e0f2b726d" {
		t.Fatalf("EventID: %s", got)
	}
	if got, _ := KindID(ns, "execution", "fill", 3); got != "19144273-1d4b-5003-9b80-e95d96e9a7d9" {
		t.Fatalf("KindID: %s", got)
	}
}

func TestRunID(t *testing.T) {
	// python: run_id("conformance")
	if got := RunID("conformance"); got != "1470cdd4-ce96-5cd9-a94b-cac1efa004ca" {
		t.Fatalf("RunID: %s", got)
	}
}

func TestBadNamespace(t *testing.T) {
	if _, err := UUID5("not-a-uuid", "x"); err == nil {
		t.Fatal("a namespace that is not a UUID must be an error")
	}
}
