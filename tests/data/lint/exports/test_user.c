/* Fixture of scripts/lint-exports.py --self-test: a test (not checked
   itself) whose calls count as uses. */
int a_used_by_test(int x);
int t_helper(int x);

int
t_helper(int x)
{
	return a_used_by_test(x);
}
