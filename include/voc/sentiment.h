/*
 * Lexicon sentiment of one comment, English or Japanese or both: the sum
 * of the valences of the evaluative terms it holds, each flipped when a
 * negation governs it and strengthened by an intensifier before it.
 *
 * A struct voc_sentiment holds the lexicons.  It is filled by the _load
 * functions and only read by voc_sentiment_score(), which keeps no state
 * in it: once loaded, one object may score from any number of threads.
 */
#ifndef VOC_SENTIMENT_H
#define VOC_SENTIMENT_H

#include <stddef.h>

#include "voc/error.h"

struct voc_sentiment;

/* An object with empty lexicons, or NULL with err filled. */
struct voc_sentiment *voc_sentiment_new(struct voc_error *err);

/* Frees s.  NULL is accepted. */
void voc_sentiment_free(struct voc_sentiment *s);

/*
 * Loads the VADER lexicon (Hutto & Gilbert 2014): lines of token TAB mean
 * valence (-4..4) TAB anything.  Only tokens that are words (letters,
 * digits, inner apostrophes) are kept: the tokenizer never yields
 * emoticons.  A word already loaded keeps its first valence.  Returns
 * the number of words added, or -1 with err filled (file and line).
 */
long voc_sentiment_load_vader(struct voc_sentiment *s, const char *path,
    struct voc_error *err);

/*
 * Loads a word list marked "positive" or "negative" (Hu & Liu's opinion
 * lexicon as tidytext writes it: word TAB sentiment, a header line
 * "word TAB sentiment" allowed), giving each word the valence +weight
 * or -weight.  Words already loaded keep theirs.  Returns the number of
 * words added, or -1 with err filled.
 */
long voc_sentiment_load_polar(struct voc_sentiment *s, const char *path,
    double weight, struct voc_error *err);

/*
 * Loads a Japanese lexicon in the format of data/lexicons/
 * ja-evaluative.tsv (term TAB number TAB kind a, w or x; see that file).
 * Returns the number of terms added, or -1 with err filled.
 */
long voc_sentiment_load_ja(struct voc_sentiment *s, const char *path,
    struct voc_error *err);

/*
 * Loads the shipped lexicons, found with voc_data_path(): VADER, then Hu
 * & Liu at weight 1.5, then ja-evaluative.tsv.  Returns 0, or -1 with
 * err filled.
 */
int voc_sentiment_load_default(struct voc_sentiment *s,
    struct voc_error *err);

struct voc_sentiment_result {
	double score;		/* sum of the valences after the rules */
	double compound;	/* score / sqrt(score^2 + 15), in (-1, 1) */
	size_t hits;		/* evaluative terms found */
	size_t pos, neg;	/* of which ended positive, negative */
	size_t negated;		/* of which were flipped by a negation */
};

/*
 * Scores text[0..len) (UTF-8; normalised as the tokenizer does).
 *
 * English words: a lexicon word's valence is flipped (multiplied by -1)
 * when one of the 3 words before it in the same clause is a negation
 * (not, no, never, none, nothing, nobody, neither, nor, without,
 * cannot, hardly, barely, or a word ending in n't or its apostrophe-less
 * forms dont, cant, isnt ...), and multiplied by 1.5 when the word
 * before it, or the one before that, is an intensifier (very, really,
 * extremely, so, too, ...).  Negations and intensifiers are not scored
 * themselves.  Negation and intensifiers reach no further than the
 * clause, which ends at . , ! ? ; : and at "but"; after "but" the
 * valences of the sentence count 1.5 times and those before it 0.5
 * times (VADER's rule for "but", Hutto & Gilbert 2014, section 3.2).
 *
 * Japanese: at each character the longest lexicon term is taken; its
 * polarity is flipped when the kana that follow it (up to 6, within the
 * clause) hold ない, なかっ, なく, ません or ず (not in かもしれない,
 * ずっと, ずつ), and multiplied by a preceding intensifier's factor.
 * Clauses end at 。、！？ and their ASCII forms.
 *
 * compound is VADER's normalisation of the sum (Hutto & Gilbert's
 * reference code, alpha 15).  Fills *r and returns 0, or -1 with err
 * filled (invalid UTF-8 naming the byte offset, out of memory).
 */
int voc_sentiment_score(const struct voc_sentiment *s, const char *text,
    size_t len, struct voc_sentiment_result *r, struct voc_error *err);

#endif
