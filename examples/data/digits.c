/* digits.c: the data set, compiled in from digits.inc (made at build time from digits.csv.gz
 * by `gzip -dc`, one row a line: 64 pixels then the label), and its fixed split. */
#include "digits.h"
#include "rng.h"

static const unsigned char digits_csv[] = {
#include "digits.inc"
};

/* A truncated or malformed digits.inc stops the build here. */
typedef char digits_csv_has_every_row[sizeof digits_csv == DIGITS_ROWS * (DIGITS_FEATURES + 1) ? 1 : -1];

/* The split's own seed: changing it changes which rows are held out. */
#ifndef DIGITS_SPLIT_SEED
#define DIGITS_SPLIT_SEED 20230130u
#endif

static void copy_row(digits_set *set, int row)
{
	const unsigned char *src = digits_csv + row * (DIGITS_FEATURES + 1);
	for (int j = 0; j < DIGITS_FEATURES; j++)
		set->x[set->n][j] = src[j] / 16.0f;
	set->y[set->n] = src[DIGITS_FEATURES];
	set->n++;
}

void digits_split(digits_set *train, digits_set *heldout)
{
	int order[DIGITS_ROWS];
	for (int i = 0; i < DIGITS_ROWS; i++)
		order[i] = i;
	rng_state rng = rng_seed(DIGITS_SPLIT_SEED);
	rng_shuffle(&rng, order, DIGITS_ROWS);

	train->n = heldout->n = 0;
	for (int i = 0; i < DIGITS_ROWS; i++)
		copy_row(i < DIGITS_TRAIN ? train : heldout, order[i]);
}
