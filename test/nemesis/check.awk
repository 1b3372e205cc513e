# test/nemesis/check.awk - the continuous invariants of `make nemesis`
#
# Reads the lines of ocf-nemesis-sample (one every 100 ms):
#   REAL_MS MONO_MS P G ROLE LATCHED MAINT TRANSITION TRANSITIONS PFAILS NGW FLAGS
# and checks I1, I2 and the "one gateway" half of I4 on them.  Durations are
# measured on MONO_MS; the bounds come in milliseconds:
#   -v b1=MS     I1: the standby may serve beside a ready primary this long
#   -v b2=MS     I2: nothing may serve while the primary is down this long
#   -v base=MS   the promotion back-off base, max(HOLD_DOWN, CHECK_INTERVAL)
#   -v b4=MS     I4: two gateway instances may coexist this long
#   -v timeline=FILE violations=FILE stats=FILE
#
# A condition is measured as a streak: the time it has held, summed over
# the samples in which it held, and set back to 0 when it stops holding or
# when one of the events that restart the clock happens.  Samples in which
# the harness itself keeps ocf from acting (FLAGS watch_killed, lock.*,
# manual.*) do not add to a streak: the clock pauses, it does not restart.
# See test/nemesis/README for why each exclusion is legitimate.

function has(f) {
	return index("," flags ",", "," f ",") > 0
}

function prefixed(p,    n, i, a, c) {
	c = 0
	n = split(flags, a, ",")
	for (i = 1; i <= n; i++)
		if (index(a[i], p) == 1)
			c++
	return c
}

function note(line) {
	print line >> timeline
	fflush(timeline)
}

function violate(inv, msg,    line) {
	nviol++
	line = real " VIOLATION " inv ": " msg
	print line >> violations
	fflush(violations)
	note(line)
}

function secs(ms) {
	return sprintf("%.1f s", ms / 1000)
}

function backoff(n,    m) {
	m = 1
	while (n > 1 && m < 16) {
		m *= 2
		n--
	}
	return m * base
}

{
	if (NF < 12)
		next
	real = $1; mono = $2; P = $3; G = $4; role = $5; lat = $6; mnt = $7
	tr = $8; trs = $9; pf = $10; ngw = $11 + 0; flags = $12
	nsamples++
	dt = started ? mono - prev_mono : 0
	started = 1
	if (dt > maxgap)
		maxgap = dt

	pl = substr(P, 1, 1)
	serving = substr(G, 1, 1) == "R"
	part = has("partition")
	# what the standby can see of the primary: nothing across a partition
	pv = part ? "D" : pl
	latched = lat == "1"
	maint = mnt == "1"
	nman = prefixed("manual.")
	excused = has("watch_killed") || prefixed("lock.") > 0 || nman > 0
	if (excused)
		excused_ms += dt

	# events that restart a clock
	newrole = role != prev_role || trs != prev_trs
	unlatched = prev_lat == "1" && !latched
	# a manual tool that ended having made a transition (TRANSITIONS moved
	# while manual tools ran)
	if (nman > 0 && prev_nman == 0)
		trs_at_manual = prev_trs
	manual_done = nman < prev_nman && trs != trs_at_manual
	if (manual_done)
		trs_at_manual = trs
	failed_now = (role == "failed" && prev_role != "failed") ||
	    (pf ~ /^[0-9]+$/ && prev_pf ~ /^[0-9]+$/ && pf + 0 > prev_pf + 0)

	# I1: the standby serves beside a primary it can see ready
	c1 = pv == "R" && serving && !latched && !maint
	if (!c1 || newrole || unlatched) {
		t1 = 0
		rep1 = 0
	}
	if (c1 && !excused)
		t1 += dt
	if (t1 > max1)
		max1 = t1
	if (c1 && t1 > b1 && !rep1) {
		violate("I1", "the standby's gateway has answered ready for " \
		    secs(t1) " beside a primary the standby can see ready " \
		    "(bound " secs(b1) "); ROLE=" role " LATCHED=" lat \
		    " TRANSITIONS=" trs " flags=" flags)
		rep1 = 1
	}

	# I2: nothing serves while the primary is down (to the standby); a
	# latch excuses a standby, not an active node (contract item 5)
	c2 = pv == "D" && !serving && !maint && !(latched && role != "active")
	if (!c2) {
		t2 = 0
		rep2 = 0
		allow2 = 0
	}
	if (newrole && role == "active" || unlatched || manual_done) {
		t2 = 0
		rep2 = 0
	}
	if (failed_now) {
		n = pf ~ /^[0-9]+$/ && pf + 0 > 0 ? pf + 0 : 1
		allow2 = backoff(n)
		t2 = 0
		rep2 = 0
		note(real " checker: a promotion failed (PROMOTE_FAILS=" pf \
		    "): I2 allows " secs(allow2) " of back-off")
	}
	if (c2 && !excused)
		t2 += dt
	if (t2 - allow2 > max2)
		max2 = t2 - allow2
	if (c2 && t2 > b2 + allow2 && !rep2) {
		violate("I2", "nothing has served for " secs(t2) " while the " \
		    "primary is down" (part ? " (partitioned)" : "") " (bound " \
		    secs(b2 + allow2) "); ROLE=" role " LATCHED=" lat \
		    (latched ? " (an active node keeps its gateway while " \
		    "latched: contract item 5)" : "") " TRANSITION=" tr \
		    " flags=" flags)
		rep2 = 1
	}

	# I4 (processes): one gateway instance at most, but for a moment
	if (ngw >= 2)
		t4 += dt
	else {
		t4 = 0
		rep4 = 0
	}
	if (t4 > b4 && !rep4) {
		violate("I4", ngw " gateway instances (process groups marked " \
		    "OCF_GATEWAY_OF) for " secs(t4) " (bound " secs(b4) ")")
		rep4 = 1
	}

	key = P " " G " ROLE=" role " LATCHED=" lat " MAINT=" mnt " TRANSITION=" \
	    tr " TRANSITIONS=" trs " PROMOTE_FAILS=" pf " gateways=" ngw \
	    " flags=" flags
	if (key != prev_key)
		note(real " sample: primary " key)
	prev_key = key
	prev_mono = mono
	prev_role = role
	prev_trs = trs
	prev_lat = lat
	prev_pf = pf
	prev_nman = nman
	if (pl == "R")
		ready_ms += dt
	if (serving)
		serving_ms += dt
}

END {
	printf "samples %d\n", nsamples > stats
	printf "max_gap_ms %d\n", maxgap > stats
	printf "i1_max_ms %d\n", max1 > stats
	printf "i1_bound_ms %d\n", b1 > stats
	printf "i2_max_ms %d\n", max2 > stats
	printf "i2_bound_ms %d\n", b2 > stats
	printf "excused_ms %d\n", excused_ms > stats
	printf "primary_ready_ms %d\n", ready_ms > stats
	printf "standby_serving_ms %d\n", serving_ms > stats
	printf "violations %d\n", nviol > stats
	close(stats)
}
