package statemachine

import "testing"

func TestTable(t *testing.T) {
	legal := [][2]Status{{New, Accepted}, {New, Rejected}, {Accepted, PartiallyFilled}, {Accepted, Filled},
		{Accepted, Canceled}, {Accepted, Expired}, {PartiallyFilled, PartiallyFilled}, {PartiallyFilled, Filled},
		{PartiallyFilled, Canceled}, {PartiallyFilled, Expired}}
	count := 0
	for from := range Transitions {
		for to := range Transitions {
			want := false
			for _, l := range legal {
				if l == [2]Status{from, to} {
					want = true
				}
			}
			if IsLegal(from, to) != want {
				t.Errorf("%s -> %s: legal %v, want %v", Name(from), Name(to), IsLegal(from, to), want)
			}
			if want {
				count++
			}
		}
	}
	if count != 10 {
		t.Fatalf("%d legal transitions, the table has 10", count)
	}
}

func TestTerminal(t *testing.T) {
	for s, want := range map[Status]bool{New: false, Accepted: false, PartiallyFilled: false, Filled: true,
		Canceled: true, Rejected: true, Expired: true} {
		if IsTerminal(s) != want {
			t.Errorf("IsTerminal(%s) = %v", Name(s), !want)
		}
	}
}

// The message is python's OrderStateError text, e.g. check_transition(S.FILLED, S.CANCELED, "o1").
func TestCheckMessages(t *testing.T) {
	err := Check(Filled, Canceled, "o1")
	want := "order o1: illegal transition FILLED -> CANCELED; from FILLED the order may move to nothing (terminal " +
		"state). This is a bug in the execution service: report it with the order's event log."
	if err == nil || err.Error() != want {
		t.Fatalf("got %v", err)
	}
	err = Check(New, Filled, "o2")
	want = "order o2: illegal transition NEW -> FILLED; from NEW the order may move to ACCEPTED, REJECTED. This is " +
		"a bug in the execution service: report it with the order's event log."
	if err == nil || err.Error() != want {
		t.Fatalf("got %v", err)
	}
	if Check(Accepted, Filled, "o3") != nil {
		t.Fatal("ACCEPTED -> FILLED is legal")
	}
}
