/*
 * Unit tests of billingd's spool: batch encoding round trips and refusals
 * (batch.c) -- version 1 and, with availability records, version 2 --,
 * the record reader over images with torn tails, CRC
 * mismatches and impossible lengths (spool_scan), and the file itself:
 * append, reopen, replay, repair of a torn or corrupt tail, the size bound.
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "batch.h"
#include "spool.h"

static struct batch *
sample_batch(int variant)
{
	struct batch *b = batch_new(1795341600 + variant);
	struct mcount h = { 1795341600, 3, 10, 20, 1000, 100, 4096, 8192 };
	struct mcount e = h;
	struct mip ip[2] = { { { 0 }, 5, 6 }, { { 1, 2, 3 }, 7, 8 } };
	struct mspan s = { 1795341600, 1795341601, 9, 8, 7, 6, METER_CONT, 0 };

	ck_assert(b != NULL);
	b->seq = 1000 + (uint64_t)variant;
	ck_assert(batch_add_entry(b, 0x2a, BE_KNOWN, &h, ip, 2) == 0);
	ck_assert(batch_add_entry(b, 0x2b, 0, &h, NULL, 0) == 1);
	ck_assert(batch_add_span(b, 0, &s, ip, 2) == 0);
	s.t0++;
	s.t1++;
	s.why = METER_VE_RESTART;
	ck_assert(batch_add_span(b, 0, &s, ip + 1, 1) == 0);
	e.t += 2;
	e.cpu_user_us += 18;
	ck_assert(batch_set_end(b, 0, &e, ip, 2) == 0);
	ck_assert(batch_set_end(b, 1, &h, NULL, 0) == 0);
	return b;
}

static void
same_count(const struct mcount *a, const struct mcount *b)
{
	ck_assert(a->t == b->t && a->node_id == b->node_id &&
	    a->agent_start_us == b->agent_start_us && a->ve_start_us == b->ve_start_us &&
	    a->cpu_user_us == b->cpu_user_us && a->cpu_sys_us == b->cpu_sys_us &&
	    a->vmem == b->vmem && a->disk == b->disk);
}

static void
same_batch(const struct batch *a, const struct batch *b)
{
	ck_assert(a->seq == b->seq && a->created == b->created);
	ck_assert_uint_eq(a->ne, b->ne);
	ck_assert_uint_eq(a->ns, b->ns);
	ck_assert_uint_eq(a->nip, b->nip);
	for (size_t i = 0; i < a->ne; i++) {
		ck_assert(a->e[i].ve == b->e[i].ve && a->e[i].flags == b->e[i].flags);
		same_count(&a->e[i].head, &b->e[i].head);
		same_count(&a->e[i].end, &b->e[i].end);
		ck_assert(a->e[i].head_ip == b->e[i].head_ip &&
		    a->e[i].head_nip == b->e[i].head_nip &&
		    a->e[i].end_ip == b->e[i].end_ip && a->e[i].end_nip == b->e[i].end_nip);
	}
	for (size_t i = 0; i < a->ns; i++) {
		const struct mspan *x = &a->s[i].s, *y = &b->s[i].s;
		ck_assert(a->s[i].entry == b->s[i].entry && a->s[i].ip_off == b->s[i].ip_off &&
		    a->s[i].nip == b->s[i].nip);
		ck_assert(x->t0 == y->t0 && x->t1 == y->t1 && x->cpu_user_us == y->cpu_user_us &&
		    x->cpu_sys_us == y->cpu_sys_us && x->vmem == y->vmem && x->disk == y->disk &&
		    x->why == y->why && x->down == y->down);
	}
	ck_assert(memcmp(a->ip, b->ip, a->nip * sizeof(*a->ip)) == 0);
	ck_assert_uint_eq(a->nav, b->nav);
	for (size_t i = 0; i < a->nav; i++)
		ck_assert(a->av[i].ve == b->av[i].ve && a->av[i].t == b->av[i].t &&
		    a->av[i].seen == b->av[i].seen && a->av[i].up == b->av[i].up);
}

/* The sample batch with availability: two minutes of 0x2a, one of 0x2b. */
static struct batch *
sample_batch_av(void)
{
	struct batch *b = sample_batch(0);
	long k;

	ck_assert((k = batch_add_avail(b, 0x2a, 1795341600 + 59)) == 0);
	ck_assert(b->av[0].t == 1795341600);
	ck_assert(batch_avail_mark(&b->av[0], 1795341600, 1) == 0);
	ck_assert(batch_avail_mark(&b->av[0], 1795341600 + 59, 0) == 0);
	ck_assert(batch_avail_mark(&b->av[0], 1795341600 + 60, 1) == -1);	/* next minute */
	ck_assert(batch_avail_mark(&b->av[0], 1795341600 - 1, 1) == -1);
	ck_assert(batch_add_avail(b, 0x2a, 1795341660) == 1);
	ck_assert(batch_avail_mark(&b->av[1], 1795341661, 1) == 0);
	ck_assert(batch_add_avail(b, 0x2b, 1795341601) == 2);
	ck_assert(batch_avail_mark(&b->av[2], 1795341601, 0) == 0);
	ck_assert(b->av[0].seen == (1ULL | 1ULL << 59) && b->av[0].up == 1);
	return b;
}

START_TEST(test_roundtrip_avail)
{
	struct batch *a = sample_batch_av(), *b;
	char err[128];
	uint8_t *p;
	size_t len;

	ck_assert((p = batch_encode(a, &len)) != NULL);
	ck_assert_uint_eq(len, 36 + 4 + 2 * 144 + 2 * 68 + 7 * 32 + 3 * 28);
	ck_assert_uint_eq(p[4], 2);	/* version 2 */
	ck_assert((b = batch_decode(p, len, err, sizeof(err))) != NULL);
	same_batch(a, b);
	batch_free(b);
	for (size_t n = 0; n < len; n++)
		ck_assert_msg(batch_decode(p, n, err, sizeof(err)) == NULL, "prefix %zu", n);
	free(p);
	batch_free(a);
	/* Without availability records the bytes are version 1, as before. */
	a = sample_batch(0);
	ck_assert((p = batch_encode(a, &len)) != NULL);
	ck_assert_uint_eq(p[4], 1);
	ck_assert((b = batch_decode(p, len, err, sizeof(err))) != NULL);
	ck_assert_uint_eq(b->nav, 0);
	batch_free(b);
	free(p);
	batch_free(a);
}
END_TEST

/* Availability records that cannot have been written. */
static const struct {
	int		 line;
	size_t		 off;		/* from the first record */
	uint8_t		 byte;
	const char	*why;
} corrupt_av_rows[] = {
	{ __LINE__, 4, 1, "availability" },		/* t not a minute's first second */
	{ __LINE__, 4 + 7, 0x80, "availability" },	/* t negative */
	{ __LINE__, 12 + 7, 0x10, "availability" },	/* a 61st second seen */
	{ __LINE__, 20 + 1, 0x01, "availability" },	/* up where not seen */
};

START_TEST(test_corrupt_avail)
{
	struct batch *a = sample_batch_av();
	char err[128] = "";
	uint8_t *p;
	size_t len, first;

	ck_assert((p = batch_encode(a, &len)) != NULL);
	first = len - 3 * 28;
	p[first + corrupt_av_rows[_i].off] ^= corrupt_av_rows[_i].byte;
	ck_assert_msg(batch_decode(p, len, err, sizeof(err)) == NULL, "line %d",
	    corrupt_av_rows[_i].line);
	ck_assert_msg(strstr(err, corrupt_av_rows[_i].why) != NULL, "line %d: %s",
	    corrupt_av_rows[_i].line, err);
	/* The count in the header must match the bytes. */
	p[first + corrupt_av_rows[_i].off] ^= corrupt_av_rows[_i].byte;
	p[36] = 4;
	ck_assert(batch_decode(p, len, err, sizeof(err)) == NULL);
	ck_assert(strstr(err, "length") != NULL);
	free(p);
	batch_free(a);
}
END_TEST

START_TEST(test_roundtrip)
{
	struct batch *a = sample_batch(0), *b;
	char err[128];
	uint8_t *p;
	size_t len;

	ck_assert((p = batch_encode(a, &len)) != NULL);
	ck_assert((b = batch_decode(p, len, err, sizeof(err))) != NULL);
	same_batch(a, b);
	batch_free(b);
	/* Every shorter or longer length is refused. */
	for (size_t n = 0; n < len; n++)
		ck_assert_msg(batch_decode(p, n, err, sizeof(err)) == NULL, "prefix %zu", n);
	free(p);
	batch_free(a);
}
END_TEST

/* Offsets of fields in the encoding, and a value that makes each invalid. */
static const struct {
	int		 line;
	size_t		 off;
	uint8_t		 byte;
	const char	*why;
} corrupt_rows[] = {
	{ __LINE__, 0, 'X', "not a batch" },			/* magic */
	{ __LINE__, 4, 3, "not a batch" },			/* version */
	{ __LINE__, 24, 9, "length" },				/* entry count */
	{ __LINE__, 36 + 4, 0xff, "bad entry" },		/* flags of entry 0 */
	{ __LINE__, 36 + 8 + 7, 0x80, "bad entry" },		/* head.t negative */
	{ __LINE__, 36 + 8 + 60 + 4, 9, "bad entry" },		/* head_nip past the pool */
	{ __LINE__, 36 + 8 + 28 + 7, 0x80, "bad entry" },	/* head.cpu_user_us > INT64_MAX */
	{ __LINE__, 36 + 2 * 144, 7, "bad span" },		/* span entry index */
	{ __LINE__, 36 + 2 * 144 + 20, 0, "bad span" },		/* span t1 <= t0 */
	{ __LINE__, 36 + 2 * 144 + 60, 9, "bad span" },		/* span why */
	{ __LINE__, 36 + 2 * 144 + 2 * 68 + 16 + 7, 0x80, "address" },	/* rx > INT64_MAX */
};

START_TEST(test_corrupt)
{
	struct batch *a = sample_batch(0);
	char err[128] = "";
	uint8_t *p;
	size_t len;

	ck_assert((p = batch_encode(a, &len)) != NULL);
	ck_assert_uint_eq(len, 36 + 2 * 144 + 2 * 68 + 7 * 32);
	p[corrupt_rows[_i].off] = corrupt_rows[_i].byte;
	ck_assert_msg(batch_decode(p, len, err, sizeof(err)) == NULL, "line %d",
	    corrupt_rows[_i].line);
	ck_assert_msg(strstr(err, corrupt_rows[_i].why) != NULL, "line %d: %s",
	    corrupt_rows[_i].line, err);
	free(p);
	batch_free(a);
}
END_TEST

/* A spool image of records: header, then len, crc, payload each. */
static size_t
image(uint8_t *out, const char *const *rec, size_t n)
{
	size_t off = SPOOL_HDR;

	memcpy(out, SPOOL_MAGIC, SPOOL_HDR);
	for (size_t i = 0; i < n; i++) {
		uint32_t len = (uint32_t)strlen(rec[i]);
		uint32_t c = (uint32_t)crc32(crc32(0, Z_NULL, 0), (const Bytef *)rec[i], len);
		for (int k = 0; k < 4; k++) {
			out[off + (size_t)k] = (uint8_t)(len >> (8 * k));
			out[off + 4 + (size_t)k] = (uint8_t)(c >> (8 * k));
		}
		memcpy(out + off + 8, rec[i], len);
		off += 8 + len;
	}
	return off;
}

START_TEST(test_scan)
{
	static const char *const rec[] = { "first", "second record", "3" };
	uint8_t img[256], bad[256];
	const uint8_t *r;
	size_t len = image(img, rec, 3), off, rl, n;
	enum spool_rc rc;

	ck_assert(spool_check_magic(img, len) == SPOOL_REC);
	off = SPOOL_HDR;
	for (n = 0; (rc = spool_scan(img, len, &off, &r, &rl)) == SPOOL_REC; n++)
		ck_assert(rl == strlen(rec[n]) && memcmp(r, rec[n], rl) == 0);
	ck_assert(rc == SPOOL_END && n == 3 && off == len);

	/* Every torn tail: the whole records before it, then SPOOL_TRUNC. */
	for (size_t cut = SPOOL_HDR; cut < len; cut++) {
		off = SPOOL_HDR;
		for (n = 0; (rc = spool_scan(img, cut, &off, &r, &rl)) == SPOOL_REC; n++)
			;
		ck_assert_msg(rc == (off == cut ? SPOOL_END : SPOOL_TRUNC), "cut %zu", cut);
	}

	/* A flipped payload byte: CRC mismatch at that record. */
	memcpy(bad, img, len);
	bad[SPOOL_HDR + 8 + 5 + 8 + 3] ^= 1;
	off = SPOOL_HDR;
	ck_assert(spool_scan(bad, len, &off, &r, &rl) == SPOOL_REC);
	ck_assert(spool_scan(bad, len, &off, &r, &rl) == SPOOL_BADCRC);
	ck_assert(off == SPOOL_HDR + 8 + 5);

	/* Lengths no writer makes. */
	memcpy(bad, img, len);
	memset(bad + SPOOL_HDR, 0, 4);
	off = SPOOL_HDR;
	ck_assert(spool_scan(bad, len, &off, &r, &rl) == SPOOL_BADLEN);
	memset(bad + SPOOL_HDR, 0xff, 4);
	off = SPOOL_HDR;
	ck_assert(spool_scan(bad, len, &off, &r, &rl) == SPOOL_BADLEN);

	ck_assert(spool_check_magic((const uint8_t *)"VEPSPL2\n", 8) == SPOOL_BADMAGIC);
	ck_assert(spool_check_magic(img, 3) == SPOOL_TRUNC);
}
END_TEST

static char dir[] = "/tmp/test_billingd_spool.XXXXXX";

static void
setup(void)
{
	ck_assert(mkdtemp(dir) != NULL);
}

static void
teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert(system(cmd) == 0);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static size_t
replay_all(struct spool *sp, int advance)
{
	uint8_t *p;
	size_t len, n = 0;

	while (spool_next(sp, &p, &len) == 1) {
		free(p);
		if (advance)
			spool_advance(sp, len);
		n++;
		if (!advance)
			break;
	}
	return n;
}

START_TEST(test_file)
{
	struct spool sp;
	char err[256], path[256];
	off_t dropped, size2;
	struct stat st;
	int fd;

	ck_assert(spool_open(&sp, dir, "t1", 1 << 20, &dropped, err, sizeof(err)) == 0);
	ck_assert(!spool_pending(&sp) && dropped == 0);
	ck_assert(spool_append(&sp, "one", 3) == 0);
	ck_assert(spool_append(&sp, "two!", 4) == 0);
	size2 = sp.size;
	ck_assert(spool_append(&sp, "three", 5) == 0);
	ck_assert(spool_pending(&sp));
	spool_close(&sp);

	/* Reopen: three records to replay, in order. */
	ck_assert(spool_open(&sp, dir, "t1", 1 << 20, &dropped, err, sizeof(err)) == 0);
	ck_assert(dropped == 0);
	ck_assert_uint_eq(replay_all(&sp, 1), 3);
	ck_assert(!spool_pending(&sp));
	ck_assert(spool_reset(&sp) == 0);
	ck_assert(sp.size == SPOOL_HDR);
	ck_assert(spool_append(&sp, "one", 3) == 0);
	ck_assert(spool_append(&sp, "two!", 4) == 0);
	ck_assert(spool_append(&sp, "three", 5) == 0);
	spool_close(&sp);

	/* A torn last record (crash during write) is cut on open. */
	snprintf(path, sizeof(path), "%s/billingd-t1.spool", dir);
	ck_assert(truncate(path, size2 + 6) == 0);
	ck_assert(spool_open(&sp, dir, "t1", 1 << 20, &dropped, err, sizeof(err)) == 0);
	ck_assert(dropped == 6);
	ck_assert(sp.size == size2);
	ck_assert_uint_eq(replay_all(&sp, 1), 2);
	/* Appending after the repair is read back. */
	ck_assert(spool_append(&sp, "four", 4) == 0);
	ck_assert_uint_eq(replay_all(&sp, 1), 1);
	spool_close(&sp);

	/* A CRC mismatch in the middle: the rest is dropped. */
	ck_assert((fd = open(path, O_RDWR)) != -1);
	ck_assert(pwrite(fd, "X", 1, SPOOL_HDR + 8 + 3 + 8) == 1);
	close(fd);
	ck_assert(spool_open(&sp, dir, "t1", 1 << 20, &dropped, err, sizeof(err)) == 0);
	ck_assert(dropped > 0 && sp.size == SPOOL_HDR + 8 + 3);
	ck_assert_uint_eq(replay_all(&sp, 1), 1);
	spool_close(&sp);

	/* Not a spool file: kept aside, a new one started. */
	ck_assert((fd = open(path, O_WRONLY | O_TRUNC)) != -1);
	ck_assert(write(fd, "garbage!garbage!", 16) == 16);
	close(fd);
	ck_assert(spool_open(&sp, dir, "t1", 1 << 20, &dropped, err, sizeof(err)) == 0);
	ck_assert(dropped == 16 && !spool_pending(&sp));
	spool_close(&sp);

	/* The size bound: refused whole, nothing torn left behind. */
	ck_assert(spool_open(&sp, dir, "t2", 64, &dropped, err, sizeof(err)) == 0);
	ck_assert(spool_append(&sp, "0123456789012345678901234567890123456789", 40) == 0);
	errno = 0;
	ck_assert(spool_append(&sp, "0123456789", 10) == -1 && errno == EFBIG);
	ck_assert(stat(sp.path, &st) == 0 && st.st_size == SPOOL_HDR + 8 + 40);
	spool_close(&sp);

	/* An unreadable record during replay: the rest is cut. */
	ck_assert(spool_open(&sp, dir, "t3", 1 << 20, &dropped, err, sizeof(err)) == 0);
	ck_assert(spool_append(&sp, "abc", 3) == 0);
	ck_assert(spool_append(&sp, "def", 3) == 0);
	ck_assert((fd = open(sp.path, O_RDWR)) != -1);
	ck_assert(pwrite(fd, "Z", 1, SPOOL_HDR + 11 + 8 + 1) == 1);
	close(fd);
	{
		uint8_t *p;
		size_t len;
		ck_assert(spool_next(&sp, &p, &len) == 1);
		free(p);
		spool_advance(&sp, len);
		ck_assert(spool_next(&sp, &p, &len) == -1);
		ck_assert(!spool_pending(&sp));
	}
	spool_close(&sp);
}
END_TEST

/* Batches through a spool file and back. */
START_TEST(test_batches_in_file)
{
	struct spool sp;
	struct batch *a[3], *b;
	char err[256];
	off_t dropped;
	uint8_t *p;
	size_t len;

	ck_assert(spool_open(&sp, dir, "b", 1 << 20, &dropped, err, sizeof(err)) == 0);
	for (int i = 0; i < 3; i++) {
		a[i] = sample_batch(i);
		ck_assert((p = batch_encode(a[i], &len)) != NULL);
		ck_assert(spool_append(&sp, p, len) == 0);
		free(p);
	}
	spool_close(&sp);
	ck_assert(spool_open(&sp, dir, "b", 1 << 20, &dropped, err, sizeof(err)) == 0);
	for (int i = 0; i < 3; i++) {
		ck_assert(spool_next(&sp, &p, &len) == 1);
		ck_assert((b = batch_decode(p, len, err, sizeof(err))) != NULL);
		same_batch(a[i], b);
		batch_free(b);
		batch_free(a[i]);
		free(p);
		spool_advance(&sp, len);
	}
	ck_assert(spool_next(&sp, &p, &len) == 0);
	spool_close(&sp);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("billingd_spool");
	TCase *tc = tcase_create("core"), *tf = tcase_create("file");

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_roundtrip_avail);
	tcase_add_loop_test(tc, test_corrupt, 0, sizeof(corrupt_rows) / sizeof(corrupt_rows[0]));
	tcase_add_loop_test(tc, test_corrupt_avail, 0,
	    sizeof(corrupt_av_rows) / sizeof(corrupt_av_rows[0]));
	tcase_add_test(tc, test_scan);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, setup, teardown);
	tcase_add_test(tf, test_file);
	tcase_add_test(tf, test_batches_in_file);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
