/*
 * The smallest valid CSAF 2.0 document the advisory unit tests build their
 * cases around: one definition, so the cases differ only in what they test.
 */
#ifndef RAMPART_TEST_CSAF_TESTDOC_H
#define RAMPART_TEST_CSAF_TESTDOC_H

#include <jansson.h>

/* A minimal valid document around a product tree and vulnerabilities. */
static json_t *
make_doc(json_t *product_tree, json_t *vulns)
{
	json_t *doc = json_pack("{s:{s:s,s:s,s:{s:s,s:s,s:s},s:s,s:{s:s,s:s,"
				"s:s,s:[{s:s,s:s,s:s}],s:s,s:s}}}",
	    "document", "category", "csaf_base", "csaf_version", "2.0",
	    "publisher", "category", "vendor", "name", "Example", "namespace",
	    "https://example.com", "title", "Test", "tracking",
	    "current_release_date", "2024-01-01T00:00:00Z", "id", "T-1",
	    "initial_release_date", "2024-01-01T00:00:00Z", "revision_history",
	    "date", "2024-01-01T00:00:00Z", "number", "1", "summary", "Initial",
	    "status", "final", "version", "1");

	assert_non_null(doc);
	if (product_tree != NULL)
		json_object_set_new(doc, "product_tree", product_tree);
	if (vulns != NULL)
		json_object_set_new(doc, "vulnerabilities", vulns);
	return doc;
}

#endif
