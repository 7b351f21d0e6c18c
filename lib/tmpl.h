#ifndef VEP_TMPL_H
#define VEP_TMPL_H
#endif
