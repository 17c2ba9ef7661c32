/* stopwatch.h: wall-clock seconds, for reporting training time. */
#ifndef STOPWATCH_H
#define STOPWATCH_H

/* Seconds since an arbitrary fixed point; only differences mean anything. */
double stopwatch_now(void);

#endif
