/* options.h: the command line both digit trainers share: batch size, epochs, learning rate,
 * seed. */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdint.h>

typedef struct train_options {
	int batch;     /* examples per SGD step; the last step of an epoch takes the rest */
	int epochs;    /* passes over the training rows; 0 evaluates the initial model */
	double lr;     /* learning rate at the first epoch */
	double lr_end; /* learning rate at the last epoch, reached linearly */
	uint64_t seed; /* initial weights and the order of the rows in each epoch */
} train_options;

/* Reads argv into *opt, which holds the defaults on entry. Returns -1 to go on, or the status
 * to exit with: 0 after --help (usage on stdout), 2 after a bad option (a message on stderr). */
int options_parse(train_options *opt, int argc, char **argv, const char *about);

#endif
