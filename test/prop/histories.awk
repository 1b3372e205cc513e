# test/prop/histories.awk - random histories for t3008, as one git
# fast-import stream.  Usage:
#
#	awk -v seed=N -v cases=M -f histories.awk | git fast-import --quiet
#
# For each case i: a base commit, then "ours" (0 to 2 commits) and "theirs"
# (1 or 2) on top of it, each commit 1 to 3 random operations: add, change
# (one of the first lines, so that both sides often meet), delete, rename
# (within its directory: git's directory-rename detection is not what
# this test is about), rename and change.  Refs written:
#   refs/heads/case<i>           theirs (the remote's branch)
#   refs/prop/<i>/ours           ours, and refs/prop/<i>/oursp its parent
#   refs/prop/<i>/n<K>           K: the number of ours commits (points at
#                                the base, which refs/prop/<i>/base is too)
# Everything is ASCII; the same seed gives the same stream.

function rnd(n) {
	return int(rand() * n)
}

function body(path, tag,	n, k, s) {
	n = 3 + rnd(6)
	s = ""
	for (k = 1; k <= n; k++)
		s = s path " line " k " " tag "\n"
	return s
}

function emit_file(path, text) {
	printf "M 100644 inline %s\ndata %d\n%s\n", path, length(text), text
}

function count(a,	p, n) {
	n = 0
	for (p in a)
		n++
	return n
}

# a random existing path of a, or ""
function pick(a,	p, n, k) {
	n = count(a)
	if (n == 0)
		return ""
	k = rnd(n)
	for (p in a)
		if (k-- == 0)
			return p
	return ""
}

# a random path that a does not hold, in directory dir ("*": any)
function fresh(a, dir,	p, tries, d) {
	for (tries = 0; tries < 50; tries++) {
		d = dir == "*" ? DIRS[rnd(3)] : dir
		p = d NAMES[rnd(8)] ".md"
		if (!(p in a))
			return p
	}
	return ""
}

function dirof(p,	k) {
	k = match(p, /[^\/]*$/)
	return substr(p, 1, k - 1)
}

# change one of the first lines of text (or append one)
function change(text, side, tag,	n, L, k, s, i) {
	n = split(text, L, "\n") - 1
	k = 1 + rnd(3)
	s = ""
	for (i = 1; i <= n; i++)
		s = s (i == k ? L[i] " changed by " side " " tag : L[i]) "\n"
	if (k > n)
		s = s "added by " side " " tag "\n"
	return s
}

# one operation on side's files a, emitted
function operate(a, side, tag,	op, p, q) {
	op = rnd(10)
	p = pick(a)
	if (op < 3 || p == "") {			# add
		q = fresh(a, "*")
		if (q == "")
			return
		a[q] = body(q, side tag)
		emit_file(q, a[q])
	} else if (op < 6) {				# change
		a[p] = change(a[p], side, tag)
		emit_file(p, a[p])
	} else if (op < 8) {				# delete
		delete a[p]
		printf "D %s\n", p
	} else {					# rename, maybe changed
		q = fresh(a, dirof(p))
		if (q == "")
			return
		a[q] = op == 9 ? change(a[p], side, tag) : a[p]
		delete a[p]
		printf "D %s\n", p
		emit_file(q, a[q])
	}
}

function commit(ref, mark, from, msg) {
	printf "commit %s\nmark :%d\n", ref, mark
	printf "committer prop <prop@example.invalid> %d +0000\n", 1700000000 + mark
	printf "data %d\n%s\n", length(msg), msg
	if (from > 0)
		printf "from :%d\n", from
}

# side's commits (0 to 2) on top of the base; the last mark
function side_commits(i, side, ref, base, B,	a, p, n, c, k, m, parent) {
	for (p in B)
		a[p] = B[p]
	# theirs always moved on: a case with nothing to merge tests nothing
	n = side == "ours" && rnd(10) < 1 ? 0 : 1 + rnd(2)
	parent = base
	for (c = 1; c <= n; c++) {
		PARENT[side] = parent
		m = ++MARK
		commit(c == n ? ref : "refs/prop/" i "/" side c, m, parent,
		    side " " c " of case " i)
		for (k = 1 + rnd(3); k > 0; k--)
			operate(a, side, "c" i "." c "." k)
		parent = m
	}
	if (n == 0) {
		printf "reset %s\nfrom :%d\n\n", ref, base
		PARENT[side] = base
	}
	NCOMMITS[side] = n
	return parent
}

BEGIN {
	srand(seed)
	DIRS[0] = ""; DIRS[1] = "memory/"; DIRS[2] = "notes/"
	split("a b c d e f g h", N0, " ")
	for (k = 1; k <= 8; k++)
		NAMES[k - 1] = N0[k]
	MARK = 0
	for (i = 1; i <= cases; i++) {
		split("", B)
		base = ++MARK
		commit("refs/prop/" i "/base", base, 0, "base of case " i)
		for (k = 2 + rnd(6); k > 0; k--) {
			p = fresh(B, "*")
			if (p == "")
				continue
			B[p] = body(p, "base" i)
			emit_file(p, B[p])
		}
		ours = side_commits(i, "ours", "refs/prop/" i "/ours", base, B)
		# the parent of ours: the start of a dirty case
		printf "reset refs/prop/%d/oursp\nfrom :%d\n\n", i, PARENT["ours"]
		printf "reset refs/prop/%d/n%d\nfrom :%d\n\n", i, NCOMMITS["ours"], base
		side_commits(i, "theirs", "refs/heads/case" i, base, B)
	}
}
