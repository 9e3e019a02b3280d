/* Fixture of scripts/lint-exports.py --self-test: uses src_a.c's
   functions, directly and through a pointer; main is exempt. */
int a_used_by_b(int x);
int a_by_pointer(int x);

int (*b_table[])(int) = {a_by_pointer};

int
main(void)
{
	return a_used_by_b(1) + b_table[0](2);
}
