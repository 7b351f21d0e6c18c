/*
 * Parser of veinfo commands; see veinfo_cmd.h.
 */
#include "veinfo_cmd.h"
