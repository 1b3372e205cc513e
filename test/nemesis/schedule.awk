# test/nemesis/schedule.awk - the fault schedule of `make nemesis`, derived
# from the seed alone (awk -v seed=N -v duration=S -v faults=LIST -f ...).
#
# The PRNG is Park and Miller's "minimal standard" (MINSTD: x = 48271 x mod
# 2^31-1): every product stays below 2^53, so any awk's doubles compute it
# exactly and the same seed gives the same schedule everywhere.
#
# The run is a series of cycles.  Each has a fault window of W ms, then a
# quiet period (the harness's, not in the schedule) after which the
# invariants I3 and I4 are checked.  Within the window:
#   - the primary goes through episodes, one at a time, with 1-6 s of
#     health between them: pkill (kill -9, restarted at the end), pstop
#     (SIGSTOP, SIGCONT at the end), pmode MODE (the stand-in answers
#     error500, notready, draining or hang, then ready again) or partition
#     (the veth link between the nodes down, then up); a quarter of them
#     are blips of 0.3-1.5 s, the others last 3-15 s;
#   - 5 to 8 other faults at random instants, half of them aimed at the
#     start or the end of a primary episode (-1 s .. +4 s), where the
#     standby decides and makes its transitions: watchkill, gwkill, promote
#     FORCE, demote, full (1-15 s), ro (1-15 s), clock COIN, lock MS.
# Every fault that lasts ends within the window.
#
# Output, one event a line, sorted by cycle then time:
#   C CYCLE W_MS                          a cycle and its window
#   E CYCLE T_MS SEQ begin ID KIND PARAM  a fault starts (PARAM '-' if none)
#   E CYCLE T_MS SEQ end ID KIND -        ... and ends
# Every draw is made whatever FAULTS says; a kind left out only drops its
# lines, so a FAULTS subset keeps the instants of the others.  The list is
# made for expected cycles of 50 s (duration / 50 + 4 of them); the harness
# stops starting cycles when the time is up.

function rnd() {
	x = (48271 * x) % 2147483647
	return x
}

# uniform in 0 .. n-1
function below(n) {
	return int(rnd() / 2147483647 * n)
}

function wanted(kind) {
	return faults == "" || faults == "all" || index("," faults ",", "," kind ",") > 0
}

function emit(t, what, id, kind, param) {
	if (!wanted(kind))
		return
	seq++
	printf "E %d %d %d %s %d %s %s\n", cycle, t, seq, what, id, kind, param
}

BEGIN {
	x = (seed % 2147483646) + 1
	# the first draws of MINSTD follow the seed closely: warm up
	for (i = 0; i < 16; i++)
		rnd()
	ncycles = int(duration / 50) + 4
	nprim = split("pkill pkill pkill pstop pstop pmode pmode pmode partition partition", prim, " ")
	nmode = split("error500 error500 error500 notready notready draining hang", modes, " ")
	nother = split("watchkill gwkill promote demote full ro clock lock", other, " ")
	id = 0
	for (cycle = 1; cycle <= ncycles; cycle++) {
		W = 20000 + below(15001)
		printf "C %d -1 0 %d\n", cycle, W
		# primary episodes, one at a time
		neps = 0
		t = 1000 + below(4001)
		while (t < W - 800) {
			kind = prim[1 + below(nprim)]
			if (below(4) == 0)
				dur = 300 + below(1201)
			else
				dur = 3000 + below(12001)
			param = "-"
			if (kind == "pmode")
				param = modes[1 + below(nmode)]
			if (t + dur > W - 500)
				dur = W - 500 - t
			id++
			emit(t, "begin", id, kind, param)
			emit(t + dur, "end", id, kind, "-")
			neps++
			ep_t[neps] = t
			ep_d[neps] = dur
			t += dur + 1000 + below(5001)
		}
		# the other faults
		k = 5 + below(4)
		for (i = 0; i < k; i++) {
			kind = other[1 + below(nother)]
			at = below(W - 1000)
			# half of them aimed at the edges of a primary episode,
			# where the standby is deciding or in a transition
			if (neps > 0 && below(2) == 0) {
				e = 1 + below(neps)
				at = (below(2) ? ep_t[e] + ep_d[e] : ep_t[e]) - 1000 + below(5001)
				if (at < 0)
					at = 0
				if (at > W - 1000)
					at = W - 1000
			}
			id++
			if (kind == "gwkill") {
				# aimed into a long primary episode, when the standby
				# has had time to take over (the harness waits up to
				# 5 s more for a gateway to appear)
				e = 1 + below(neps)
				if (neps > 0 && ep_d[e] >= 3000)
					at = ep_t[e] + 1500 + below(ep_d[e])
				if (at > W - 1000)
					at = W - 1000
				emit(at, "begin", id, kind, "-")
			} else if (kind == "promote") {
				emit(at, "begin", id, kind, below(2))
			} else if (kind == "full" || kind == "ro") {
				dur = 1000 + below(14001)
				if (at + dur > W - 500)
					dur = W - 500 - at
				if (dur < 200)
					dur = 200
				emit(at, "begin", id, kind, "-")
				emit(at + dur, "end", id, kind, "-")
			} else if (kind == "clock") {
				emit(at, "begin", id, kind, below(2))
			} else if (kind == "lock") {
				emit(at, "begin", id, kind, 500 + below(5501))
			} else {
				emit(at, "begin", id, kind, "-")
			}
		}
	}
}
