/* The firewall styles: see firewall.h. */
#include "firewall.h"
#include "util.h"

const char *const order_firewall_names[FW__MAX] = {
	"open", "client", "simple", "closed", "none", "file"
};

int
firewall_parse(const char *s)
{
	return vep_lookup(s, order_firewall_names, FW__MAX, sizeof(order_firewall_names[0]));
}
