/*
 * The veinfo command language (origin document Appendix 7.1, SPEC section 6).
 */
#ifndef VEP_VEINFO_CMD_H
#define VEP_VEINFO_CMD_H
#endif
