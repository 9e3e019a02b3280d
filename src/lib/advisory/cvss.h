/*
 * CVSS base scores computed from vector strings, for formats that carry
 * only the vector (OSV).  Internal to the advisory library.
 */
#ifndef RP_CVSS_H
#define RP_CVSS_H

/*
 * Computes the base score of a CVSS v3.0/v3.1 vector ("CVSS:3.1/AV:N/...")
 * or a v2 vector ("AV:N/AC:L/Au:N/C:P/I:P/A:P").  Returns 0 and sets
 * *score, or RP_ERR_INVALID when a base metric is missing or invalid.
 * v4.0 vectors are not scored (they need the specification's tables).
 */
int cvss_base_score(const char *vector, double *score);
/* The v3 qualitative rating of a score: "none", "low", ... "critical". */
const char *cvss_severity_name(double score);

#endif
