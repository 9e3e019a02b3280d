/*
 * The built-in allowlist: domains whose blocking would stop a customer's
 * business (updates, logins, certificates, code hosting, the large CDNs).
 * One static table; docs/blocklists-allowlist.md lists the same names
 * with the same reasons, and a unit test checks that they agree.  No
 * entry is itself a public suffix (libpsl refuses those already; e.g.
 * githubusercontent.com, googleapis.com, cloudfront.net and the akamai
 * names are suffixes): an entry that a newer suffix list turns into one
 * is left out at run time and counted.
 */
#include "util/err.h"

#include "allow_int.h"

static const struct {
	const char *name, *why;
} builtin[] = {
    {"github.com", "GitHub: code, releases and logins of developers"},
    {"raw.githubusercontent.com",
	"GitHub content; blocking it stops developers"},
    {"objects.githubusercontent.com",
	"GitHub release downloads; blocking it stops developers"},
    {"gitlab.com", "GitLab: code and CI of developers"},
    {"microsoft.com", "Microsoft: Windows, Office and Azure services"},
    {"windowsupdate.com", "Windows Update; blocking it stops patching"},
    {"update.microsoft.com", "Windows Update; blocking it stops patching"},
    {"microsoftonline.com", "Microsoft Entra ID (Azure AD) sign-in"},
    {"office.com", "Microsoft 365 applications"},
    {"office365.com", "Microsoft 365 mail and applications"},
    {"outlook.com", "Exchange Online and Outlook mail"},
    {"sharepoint.com", "SharePoint and OneDrive for Business files"},
    {"live.com", "Microsoft accounts and OneDrive"},
    {"windows.net", "Azure storage, databases and sign-in"},
    {"azureedge.net", "Azure CDN: Microsoft and customer content"},
    {"msftconnecttest.com",
	"Windows network connectivity check; blocking it shows hosts "
	"offline"},
    {"apple.com", "Apple: software updates and device activation"},
    {"icloud.com", "iCloud: Apple accounts, mail and device sync"},
    {"google.com", "Google: search, accounts and Workspace"},
    {"gstatic.com", "Google static content used by Google services"},
    {"googleusercontent.com", "Google Drive and Workspace content"},
    {"amazonaws.com", "Amazon Web Services endpoints"},
    {"azure.com", "Microsoft Azure portal and services"},
    {"fastly.net", "Fastly CDN serving many sites and package registries"},
    {"cloudflare.com", "Cloudflare CDN, DNS and Zero Trust services"},
    {"jsdelivr.net", "jsDelivr CDN: scripts embedded by many web sites"},
    {"digicert.com",
	"DigiCert certificate revocation (OCSP/CRL); blocking it breaks "
	"TLS"},
    {"letsencrypt.org",
	"Let's Encrypt certificates and revocation; blocking it breaks "
	"TLS"},
    {"sectigo.com", "Sectigo certificate revocation (OCSP/CRL)"},
    {"globalsign.com", "GlobalSign certificate revocation (OCSP/CRL)"},
    {"debian.org", "Debian package updates"},
    {"ubuntu.com", "Ubuntu package updates"},
    {"pypi.org", "Python package index used by developers and builds"},
    {"npmjs.org", "npm package registry used by developers and builds"},
};

int
allow_add_builtin(struct allow *a)
{
	char buf[256];
	size_t i, labels;
	int r;

	if (a == NULL)
		return RP_ERR_ARG;
	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		if (allow_name_norm(builtin[i].name, buf, &labels) != NULL)
			return RP_ERR_INTERNAL;
		if (allow_is_suffix(a, buf, labels)) {
			a->builtin_skipped++;
			continue;
		}
		/* static strings: no copy needed */
		if ((r = allow_name_put(
			 a, buf, 1, "built-in", builtin[i].why)) != 0)
			return r;
	}
	return 0;
}

size_t
allow_builtin_skipped(const struct allow *a)
{
	return a != NULL ? a->builtin_skipped : 0;
}
