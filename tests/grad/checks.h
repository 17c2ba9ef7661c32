/* checks.h: the groups of grad_check, one per file; each returns the number of failed tests. */
#ifndef GRAD_CHECKS_H
#define GRAD_CHECKS_H

int fd_check(void);   /* fd_check.c: gradients against finite differences, f64 graphs */
int twin_check(void); /* twin_check.c: every f32 graph against its f64 twin */
int ref_check(void);  /* ref_check.c: forward values against references written in C */
int tie_check(void);  /* tie_check.c: gradients at ties and kinks, as the contract fixes them */

#endif
