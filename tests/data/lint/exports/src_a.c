/*
 * Fixture of scripts/lint-exports.py --self-test ("src_" files stand for
 * files under src/).  A line ending in a reject comment defines a
 * function the check must flag; no other may be flagged.
 */
int a_used_by_b(int x);
int a_used_by_test(int x);
int a_by_pointer(int x);
int a_file_local(int x);
int a_dead(int x);

static int
a_static(int x)
{
	return x + 1;
}

int
a_used_by_b(int x)
{
	return a_static(x);
}

int
a_used_by_test(int x)
{
	return x * 2;
}

int
a_by_pointer(int x)
{
	return x - 1;
}

int
a_file_local(int x) /* reject */
{
	return x * 3;
}

int
a_dead(int x) /* reject */
{
	return a_file_local(x);
}
