/*
 * The reader's byte source (see lib/reader.c for the whole): each input
 * read with read(2), gzip members inflated one after another with zlib
 * (files and pipes alike, data after the last member an error), iconv
 * decoding, and the decoded bytes cut into physical lines, each checked
 * as UTF-8 once and counted, for byte ranges of a plain file too.
 */
#define _GNU_SOURCE	/* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "reader_impl.h"
#include "voc/text.h"

static void inflater_stop(struct voc_reader *r);

/*
 * Inflating is half the time of reading a gzip file, so it runs in a
 * thread of its own, a ring of buffers ahead of the parser: the thread
 * owns the file and zlib's stream until it ends, and hands over full
 * buffers, the end (a buffer of 0 bytes), or its error.  Plain input
 * from a pipe is read the same way (see gz_read).  On an input that can
 * block (a pipe, a terminal) the thread waits for bytes in poll(2)
 * beside `wake`, so that a parser that stops early never waits on a
 * writer that has nothing more to send.
 */
#define INFLATE_SLOTS 4
#define INFLATE_SLOT (1u << 20)

struct inflater {
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *buf[INFLATE_SLOTS];
	size_t len[INFLATE_SLOTS];
	int full[INFLATE_SLOTS];
	unsigned head, tail;		/* next slot to take; to fill */
	size_t off;			/* taken from the head slot so far */
	int stop, failed;
	int plain;			/* copies plain input, no inflate */
	int wake;			/* an eventfd written at stop, or -1 */
	struct voc_error err;
};


const char *
voc_rd_iconv_name(const char *enc)
{
	static const char *const cp932[] = {
		"cp932", "sjis", "shift_jis", "shift-jis", "windows-31j",
		"ms932", "csWindows31J",
	};
	for (size_t i = 0; i < sizeof(cp932) / sizeof(cp932[0]); i++)
		if (voc_text_ieq(cp932[i], enc, strlen(enc)))
			return "CP932";
	return enc;
}

int
voc_rd_is_utf8_name(const char *enc)
{
	return enc == NULL || voc_text_ieq("utf-8", enc, strlen(enc)) ||
	    voc_text_ieq("utf8", enc, strlen(enc));
}

int
voc_rd_open_input(struct voc_reader *r, struct voc_error *err)
{
	const char *path = r->paths[r->cur];

	if (strcmp(path, "-") == 0) {
		r->fd = dup(STDIN_FILENO);
		r->name = "stdin";
#ifdef F_SETPIPE_SZ
		/* A pipe of 1 MB, not 64 KB: the writer and this reader
		 * wake each other a sixteenth as often.  A pipe that cannot
		 * grow (a user's limit) stays as it is. */
		if (r->fd >= 0)
			(void)fcntl(r->fd, F_SETPIPE_SZ, 1 << 20);
#endif
	} else {
		r->fd = open(path, O_RDONLY);
		r->name = path;
	}
	if (r->opts.name != NULL)
		r->name = r->opts.name;
	if (r->fd < 0)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0, "%s",
		    strerror(errno));
	struct stat sb;

	r->may_block = fstat(r->fd, &sb) < 0 || !S_ISREG(sb.st_mode);
	if (r->zin == NULL && (r->zin = malloc(READ_CHUNK)) == NULL) {
		close(r->fd);
		r->fd = -1;
		return voc_rd_oom(err);
	}
	r->zs.next_in = (unsigned char *)r->zin;
	r->zs.avail_in = 0;
	r->fd_eof = 0;
	r->member_done = 0;
	r->eof = 0;
	r->was_gzip = -1;
	r->inflate_here = 0;
	r->rawlen = 0;
	r->raw_off = 0;
	r->pos = r->end = r->scan = 0;
	r->line_no = 0;
	r->line_start = r->consumed;
	r->cr_mode = -1;
	return 0;
}

void
voc_rd_close_input(struct voc_reader *r)
{
	inflater_stop(r);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* In the reading thread, on an input that can block: 0 when a read
 * would not wait, -1 (with err) when the thread is told to stop. */
static int
wait_input(struct voc_reader *r, struct voc_error *err)
{
	struct pollfd p[2] = {{r->fd, POLLIN, 0},
	    {r->inflater->wake, POLLIN, 0}};

	for (;;) {
		int n = poll(p, 2, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;	/* the read reports it */
		if (p[1].revents != 0)
			return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
			    "stopped");
		if (p[0].revents != 0)
			return 0;
	}
}

/* One read(2) of up to want bytes into dst (in the reading thread, on
 * an input that can block, once there are bytes): returns the bytes
 * read, 0 at the end, -1 on a read error or when told to stop.  No
 * field of the reader is changed. */
static ssize_t
fd_read(struct voc_reader *r, char *dst, size_t want, struct voc_error *err)
{
	ssize_t n;

	if (r->inflater != NULL && r->inflater->wake >= 0 &&
	    wait_input(r, err) < 0)
		return -1;
	do
		n = read(r->fd, dst, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
		    "read error: %s", strerror(errno));
	return n;
}

/* Reads up to want bytes of the file into dst: returns the bytes read,
 * 0 at its end (fd_eof is then set), -1 on a read error. */
static long
raw_read(struct voc_reader *r, char *dst, size_t want, struct voc_error *err)
{
	ssize_t n = fd_read(r, dst, want, err);

	if (n < 0)
		return -1;
	if (n == 0)
		r->fd_eof = 1;
	r->raw_off += n;
	return (long)n;
}

/* Reads more of the file behind the unread input bytes: returns the
 * bytes added, 0 at the end of the file, -1 on a read error. */
static long
raw_fill(struct voc_reader *r, struct voc_error *err)
{
	long n;

	if (r->fd_eof)
		return 0;
	if (r->zs.avail_in > 0 && r->zs.next_in != (unsigned char *)r->zin)
		memmove(r->zin, r->zs.next_in, r->zs.avail_in);
	r->zs.next_in = (unsigned char *)r->zin;
	if (r->zs.avail_in == READ_CHUNK)
		return 0;
	if ((n = raw_read(r, r->zin + r->zs.avail_in,
	    READ_CHUNK - r->zs.avail_in, err)) > 0)
		r->zs.avail_in += (unsigned)n;
	return n;
}

/* The file offset of the next input byte not yet used. */
static long long
raw_tell(const struct voc_reader *r)
{
	return r->raw_off - (long long)r->zs.avail_in;
}

/*
 * zlib's gzread() would do this, but it drops whatever follows the last
 * gzip member when that is not another member, silently: a gzip file
 * with plain lines appended would lose them.  So the input is inflated
 * here, member after member, and anything else after a member is an
 * error naming its offset.
 */
static int
gz_start(struct voc_reader *r, struct voc_error *err)
{
	while (r->zs.avail_in < 2 && !r->fd_eof)
		if (raw_fill(r, err) < 0)
			return -1;
	r->was_gzip = r->zs.avail_in >= 2 && r->zs.next_in[0] == 0x1F &&
	    r->zs.next_in[1] == 0x8B;
	if (!r->was_gzip)
		return 0;
#ifdef VOC_HAVE_ISAL
	if (!r->opts.zlib_only) {
		if (r->isal == NULL && (r->isal = malloc(sizeof(struct
		    inflate_state))) == NULL)
			return voc_rd_oom(err);
		isal_inflate_init(r->isal);
		r->isal->crc_flag = ISAL_GZIP;
		return 0;
	}
#endif
	int rc = r->zs_ready ? inflateReset2(&r->zs, 16 + MAX_WBITS) :
	    inflateInit2(&r->zs, 16 + MAX_WBITS);
	if (rc != Z_OK)
		return voc_rd_oom(err);
	r->zs_ready = 1;
	return 0;
}

/*
 * After a gzip member's end: 1 when another member follows, 0 at the
 * end of the input, -1 (with err) when other bytes follow, which would
 * otherwise be dropped.  Both inflate engines use it.
 */
static int
next_member(struct voc_reader *r, struct voc_error *err)
{
	while (r->zs.avail_in < 2 && !r->fd_eof)
		if (raw_fill(r, err) < 0)
			return -1;
	if (r->zs.avail_in == 0)
		return 0;
	if (r->zs.avail_in < 2 || r->zs.next_in[0] != 0x1F ||
	    r->zs.next_in[1] != 0x8B)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0, "data "
		    "after the end of the gzip stream, at byte %lld of the "
		    "file", raw_tell(r));
	return 1;
}

/* Compressed bytes for an engine that needs more inside a member: 0, or
 * -1 on a read error or an input that ends there (cut short). */
static int
more_compressed(struct voc_reader *r, struct voc_error *err)
{
	long got = raw_fill(r, err);

	if (got < 0)
		return -1;
	if (got == 0)
		return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
		    "truncated gzip stream (unexpected end of file)");
	return 0;
}

/* Before an engine inflates more: at the end of a member the next one
 * begun (the engine reset), and compressed bytes at hand.  1 when there
 * is more to inflate, 0 at the end of the last member, -1. */
static int
ready_to_inflate(struct voc_reader *r, struct voc_error *err)
{
	int m;

	if (r->member_done) {
		if ((m = next_member(r, err)) <= 0)
			return m;
#ifdef VOC_HAVE_ISAL
		if (r->isal != NULL) {
			isal_inflate_reset(r->isal);
			r->isal->crc_flag = ISAL_GZIP;
		} else
#endif
		if (inflateReset(&r->zs) != Z_OK)
			return voc_rd_oom(err);
		r->member_done = 0;
	}
	if (r->zs.avail_in == 0 && more_compressed(r, err) < 0)
		return -1;
	return 1;
}

#ifdef VOC_HAVE_ISAL
/*
 * ISA-L's inflate, about four times zlib's speed on the same bytes
 * (bench/run.sh: igzip -dc against zcat), where the build has it; zlib
 * is what every build has, and what opts.zlib_only asks for.  The input
 * cursor stays in r->zs (next_in, avail_in), which raw_fill refills.
 */
static const char *
isal_why(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK: return "invalid block";
	case ISAL_INVALID_SYMBOL: return "invalid symbol";
	case ISAL_INVALID_LOOKBACK: return "invalid distance";
	case ISAL_INVALID_WRAPPER: return "invalid gzip header";
	case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
	default: return "invalid data";
	}
}

static int
isal_some(struct voc_reader *r, char *dst, size_t want,
    struct voc_error *err)
{
	struct inflate_state *st = r->isal;
	size_t done = 0;

	while (done < want) {
		int m = ready_to_inflate(r, err);

		if (m < 0)
			return -1;
		if (m == 0)
			break;
		st->next_in = r->zs.next_in;
		st->avail_in = r->zs.avail_in;
		st->next_out = (unsigned char *)dst + done;
		st->avail_out = (uint32_t)(want - done);
		int rc = isal_inflate(st);
		r->zs.next_in = st->next_in;
		r->zs.avail_in = st->avail_in;
		done = want - st->avail_out;
		if (rc < 0)
			return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
			    "corrupt gzip stream (%s)", isal_why(rc));
		if (st->block_state == ISAL_BLOCK_FINISH)
			r->member_done = 1;
	}
	return (int)done;
}
#endif

/* Inflates up to want bytes of the gzip input into dst: returns the
 * bytes written, 0 at the end of the last member, -1 on error. */
static int
inflate_some(struct voc_reader *r, char *dst, size_t want,
    struct voc_error *err)
{
#ifdef VOC_HAVE_ISAL
	if (r->isal != NULL)
		return isal_some(r, dst, want, err);
#endif
	r->zs.next_out = (unsigned char *)dst;
	r->zs.avail_out = (unsigned)want;
	while (r->zs.avail_out > 0) {
		int m = ready_to_inflate(r, err);

		if (m < 0)
			return -1;
		if (m == 0)
			break;
		int rc = inflate(&r->zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END)
			r->member_done = 1;
		else if (rc == Z_MEM_ERROR)
			return voc_rd_oom(err);
		else if (rc != Z_OK && rc != Z_BUF_ERROR)
			return voc_error_set(err, VOC_ERR_DATA, r->name, 0,
			    "corrupt gzip stream (%s)", r->zs.msg ?
			    r->zs.msg : "invalid data");
	}
	return (int)(want - r->zs.avail_out);
}

/* Plain input from a pipe into dst, until dst is full or the input
 * ends: returns the bytes read, or -1 on a read error or when told to
 * stop.  The reader's own fields are the parser's: none is touched. */
static int
plain_some(struct voc_reader *r, char *dst, size_t want,
    struct voc_error *err)
{
	size_t got = 0;
	ssize_t n;

	while (got < want &&
	    (n = fd_read(r, dst + got, want - got, err)) != 0) {
		if (n < 0)
			return -1;
		got += (size_t)n;
	}
	return (int)got;
}

static void *
inflate_run(void *arg)
{
	struct voc_reader *r = arg;
	struct inflater *f = r->inflater;

	for (;;) {
		unsigned k;

		pthread_mutex_lock(&f->mu);
		while (!f->stop && f->full[f->tail % INFLATE_SLOTS])
			pthread_cond_wait(&f->cv, &f->mu);
		k = f->tail % INFLATE_SLOTS;
		int stop = f->stop;
		pthread_mutex_unlock(&f->mu);
		if (stop)
			return NULL;
		int n = f->plain ?
		    plain_some(r, f->buf[k], INFLATE_SLOT, &f->err) :
		    inflate_some(r, f->buf[k], INFLATE_SLOT, &f->err);
		pthread_mutex_lock(&f->mu);
		if (n < 0)
			f->failed = 1;
		f->len[k] = n < 0 ? 0 : (size_t)n;
		f->full[k] = 1;
		f->tail++;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (n <= 0)
			return NULL;
	}
}

static void
inflater_stop(struct voc_reader *r)
{
	struct inflater *f = r->inflater;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	if (f->wake >= 0) {
		uint64_t one = 1;

		while (write(f->wake, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
	pthread_join(f->tid, NULL);
	if (f->wake >= 0)
		close(f->wake);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	for (int i = 0; i < INFLATE_SLOTS; i++)
		free(f->buf[i]);
	free(f);
	r->inflater = NULL;
}

/* Starts the thread that inflates (or, plain, only reads) the input:
 * 1, or 0 when it cannot (the caller then does it in its own thread),
 * -1 never. */
static int
inflater_start(struct voc_reader *r, int plain)
{
	struct inflater *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return 0;
	f->plain = plain;
	f->wake = -1;
	for (int i = 0; i < INFLATE_SLOTS; i++)
		if ((f->buf[i] = malloc(INFLATE_SLOT)) == NULL)
			goto fail;
	if (r->may_block && (f->wake = eventfd(0, EFD_CLOEXEC)) < 0)
		goto fail;
	if (pthread_mutex_init(&f->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&f->cv, NULL) != 0) {
		pthread_mutex_destroy(&f->mu);
		goto fail;
	}
	r->inflater = f;
	if (pthread_create(&f->tid, NULL, inflate_run, r) != 0) {
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		r->inflater = NULL;
		goto fail;
	}
	return 1;
fail:
	if (f->wake >= 0)
		close(f->wake);
	for (int i = 0; i < INFLATE_SLOTS; i++)
		free(f->buf[i]);
	free(f);
	return 0;
}

/* Takes up to want inflated bytes from the ring into dst. */
static int
inflater_take(struct voc_reader *r, char *dst, size_t want,
    struct voc_error *err)
{
	struct inflater *f = r->inflater;
	unsigned k = f->head % INFLATE_SLOTS;
	size_t n;

	pthread_mutex_lock(&f->mu);
	while (!f->full[k])
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
	if (f->len[k] == 0) {
		int failed = f->failed;

		if (failed)
			*err = f->err;
		return failed ? -1 : 0;
	}
	n = f->len[k] - f->off < want ? f->len[k] - f->off : want;
	memcpy(dst, f->buf[k] + f->off, n);
	f->off += n;
	if (f->off == f->len[k]) {
		f->off = 0;
		f->head++;
		pthread_mutex_lock(&f->mu);
		f->full[k] = 0;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
	}
	return (int)n;
}

/* Whether the reading thread runs, started here if it was not (once:
 * a thread that cannot start leaves the work to the caller's). */
static int
threaded(struct voc_reader *r, int plain)
{
	if (r->inflater == NULL && !r->inflate_here && !inflater_start(r,
	    plain))
		r->inflate_here = 1;
	return r->inflater != NULL;
}

static int
gz_read(struct voc_reader *r, char *dst, size_t want, struct voc_error *err)
{
	if (want > INT_MAX)
		want = INT_MAX;
	if (r->was_gzip < 0 && gz_start(r, err) < 0)
		return -1;
	if (!r->was_gzip) {
		size_t n;

		if (r->opts.range_end > 0) {
			long long at = raw_tell(r), end = r->opts.range_end;
			struct voc_range_share *sh = r->opts.share;

			/* (Not the header, read from the file's start.) */
			if (sh != NULL) {
				pthread_mutex_lock(&sh->mu);
				end = sh->end;
				if (at < end && at >= r->opts.range_start)
					sh->reserved = at + ((long long)want <
					    end - at ? (long long)want :
					    end - at);
				pthread_mutex_unlock(&sh->mu);
			}
			if (at >= end)
				return 0;
			if ((long long)want > end - at)
				want = (size_t)(end - at);
		}
		/*
		 * Plain input from a pipe is read in a thread of its own, a
		 * ring of buffers ahead: the kernel's work for a pipe (its
		 * pages freed, the writer woken) was a tenth of the time of
		 * the thread that parses, more than the copy out of the ring
		 * below costs it.
		 */
		if (r->inflater != NULL || (r->zs.avail_in == 0 &&
		    !r->fd_eof && r->may_block && r->opts.range_end == 0 &&
		    threaded(r, 1))) {
			int n = inflater_take(r, dst, want, err);

			if (n > 0)
				r->raw_off += n;
			return n;
		}
		if (r->zs.avail_in == 0 && !r->fd_eof && want >= READ_CHUNK) {
			/* Plain input straight into the caller's buffer: no
			 * copy through zin (a pipe cost a third more). */
			return (int)raw_read(r, dst, want, err);
		}
		if (r->zs.avail_in == 0 && raw_fill(r, err) < 0)
			return -1;
		n = r->zs.avail_in < want ? r->zs.avail_in : want;
		memcpy(dst, r->zs.next_in, n);
		r->zs.next_in += n;
		r->zs.avail_in -= (unsigned)n;
		return (int)n;
	}
	if (threaded(r, 0))
		return inflater_take(r, dst, want, err);
	return inflate_some(r, dst, want, err);
}

long
voc_rd_lines_in(const char *s, size_t n)
{
	long k = 0;
	const char *e = s + n;

	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

/* Decodes raw bytes into buf[end..cap-1); returns bytes added or -1. */
static long
decode(struct voc_reader *r, struct voc_error *err)
{
	char *in = r->raw, *out = r->buf + r->end;
	size_t inleft = r->rawlen, outleft = r->cap - r->end - 1;

	if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1 &&
	    errno == EILSEQ) {
		long line = r->line_no + 1 +
		    voc_rd_lines_in(r->buf + r->pos, (size_t)(out - r->buf - r->pos));
		return voc_error_set(err, VOC_ERR_DATA, r->name, line,
		    "byte 0x%02X is not valid %s; check --encoding",
		    (unsigned char)*in, r->opts.encoding);
	}
	memmove(r->raw, in, inleft);
	r->rawlen = inleft;
	return (long)(out - (r->buf + r->end));
}

/* Appends decoded bytes to buf; returns bytes added, 0 at end, -1. */
static long
fill(struct voc_reader *r, struct voc_error *err)
{
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->scan -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->end < READ_CHUNK + 1 &&
	    voc_rd_grow((void **)&r->buf, &r->cap, r->end + READ_CHUNK + 1, 1) < 0)
		return voc_rd_oom(err);
	if (r->cd == (iconv_t)-1) {
		int n = gz_read(r, r->buf + r->end, r->cap - r->end - 1, err);

		if (n < 0)
			return -1;
		r->end += (size_t)n;
		return n;
	}
	for (;;) {
		int n = gz_read(r, r->raw + r->rawlen, r->rawcap - r->rawlen,
		    err);
		long got;

		if (n < 0)
			return -1;
		r->rawlen += (size_t)n;
		if ((got = decode(r, err)) < 0)
			return -1;
		r->end += (size_t)got;
		if (got > 0)
			return got;
		if (n == 0) {
			if (r->rawlen > 0)
				return voc_error_set(err, VOC_ERR_DATA,
				    r->name, r->line_no + 1, "incomplete %s "
				    "character at end of input",
				    r->opts.encoding);
			return 0;
		}
	}
}

/*
 * Classic Mac OS and some exporters end lines with a CR alone.  Whether
 * the input does is decided once, from its first line break outside a
 * quoted CSV field: a CR not followed by LF makes CR the line end (CR LF
 * still counts as one), so line numbers stay those of an editor.
 * Returns 0 or -1.
 */
int
voc_rd_decide_cr(struct voc_reader *r, struct voc_error *err)
{
	size_t i = r->pos;
	int quoted = 0, csv = r->fmt == VOC_FMT_CSV;

	for (;;) {
		for (; i < r->end; i++) {
			/* A break inside a quoted CSV field is data. */
			if (csv && r->buf[i] == '"')
				quoted = !quoted;
			if (quoted)
				continue;
			if (r->buf[i] == '\n') {
				r->cr_mode = 0;
				return 0;
			}
			if (r->buf[i] != '\r')
				continue;
			if (i + 1 < r->end || r->eof) {
				r->cr_mode = i + 1 == r->end ||
				    r->buf[i + 1] != '\n';
				return 0;
			}
			break;
		}
		/* A stray quote must not pull the whole input in. */
		if (r->eof || i - r->pos > READ_CHUNK * 4) {
			r->cr_mode = 0;
			return 0;
		}
		size_t off = i - r->pos;
		long n = fill(r, err);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = 1;
		i = r->pos + off;
	}
}

/* The end of the next line in buf[scan..end), or NULL. */
static char *
line_end(struct voc_reader *r)
{
	char *nl;

	if (!r->cr_mode) {
		nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (nl == NULL)
			r->scan = r->end;
		return nl;
	}
	char *cr = memchr(r->buf + r->scan, '\r', r->end - r->scan);
	if (cr == NULL) {
		r->scan = r->end;
		return NULL;
	}
	if (cr + 1 < r->buf + r->end)
		return cr[1] == '\n' ? cr + 1 : cr;
	if (r->eof)
		return cr;
	/* Whether an LF follows is not known yet. */
	r->scan = (size_t)(cr - r->buf);
	return NULL;
}

/*
 * Sets *line to the next physical line, its line break included when
 * there is one.  Returns 1, 0 at the end of the open input, -1 on error.
 * The line stays in buf until the next call, with one spare byte after
 * it.
 */
int
voc_rd_next_line(struct voc_reader *r, char **line, size_t *len,
    struct voc_error *err)
{
	if (r->cr_mode < 0 && voc_rd_decide_cr(r, err) < 0)
		return -1;
	for (;;) {
		char *nl = line_end(r);

		if (nl != NULL) {
			*line = r->buf + r->pos;
			*len = (size_t)(nl + 1 - *line);
			r->pos = r->scan = (size_t)(nl + 1 - r->buf);
			break;
		}
		if (r->eof) {
			if (r->pos == r->end)
				return 0;
			*line = r->buf + r->pos;
			*len = r->end - r->pos;
			r->pos = r->scan = r->end;
			break;
		}
		long n = fill(r, err);
		if (n < 0)
			return -1;
		if (n == 0)
			r->eof = 1;
	}
	r->line_no++;
	r->consumed += *len;
	if (memchr(*line, '\0', *len) != NULL)
		r->nul_seen = 1;
	size_t ok = voc_text_utf8_check(*line, *len);
	if (ok != *len)
		return voc_error_set(err, VOC_ERR_DATA, r->name, r->line_no,
		    "invalid UTF-8 (byte 0x%02X in column %zu of the line); "
		    "if the file was saved by Excel in Japan, try "
		    "--encoding cp932", (unsigned char)(*line)[ok], ok + 1);
	return 1;
}

/* Appends decoded bytes after the unread ones (moving those to the
 * buffer's start): returns the bytes added, 0 at the end of the open
 * input (r->eof is then set), -1 on error. */
long
voc_rd_more(struct voc_reader *r, struct voc_error *err)
{
	long got = fill(r, err);

	if (got == 0)
		r->eof = 1;
	return got;
}

/* Makes at least n unread bytes available unless the input ends first. */
int
voc_rd_peek(struct voc_reader *r, size_t n, struct voc_error *err)
{
	while (r->end - r->pos < n && !r->eof) {
		long got = fill(r, err);

		if (got < 0)
			return -1;
		if (got == 0)
			r->eof = 1;
	}
	return 0;
}

