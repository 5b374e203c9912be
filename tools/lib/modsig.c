// SPDX-License-Identifier: GPL-2.0-only
#include "modsig.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

/*
 * Mirrors the kernel's mod_check_sig(): anything it would refuse is
 * refused here too, so "verify says yes" never means "insmod says no"
 * because of the framing alone.
 */
int lf_modsig_parse(const unsigned char *buf, size_t len, struct lf_modsig *out,
		    struct lf_err *err)
{
	const size_t tail = LF_MODSIG_INFO_LEN + LF_MODSIG_MARKER_LEN;
	const unsigned char *info;
	uint32_t sig_len;
	size_t room;

	if (len < LF_MODSIG_MARKER_LEN ||
	    memcmp(buf + len - LF_MODSIG_MARKER_LEN, LF_MODSIG_MARKER,
		   LF_MODSIG_MARKER_LEN))
		return -ENODATA;
	if (len < tail)
		return lf_err_set(err, -EBADMSG,
				  "truncated: signature marker without signature info (%zu bytes)",
				  len);
	info = buf + len - tail;
	if (info[2] != LF_MODSIG_ID_PKCS7)
		return lf_err_set(err, -EBADMSG,
				  "signature id_type %u is not PKCS#7 (%u)",
				  info[2], LF_MODSIG_ID_PKCS7);
	if (info[0] || info[1] || info[3] || info[4] || info[5] || info[6] ||
	    info[7])
		return lf_err_set(err, -EBADMSG,
				  "signature info has non-zero algo/hash/signer/key_id fields; the kernel rejects it");
	sig_len = (uint32_t)info[8] << 24 | (uint32_t)info[9] << 16 |
		  (uint32_t)info[10] << 8 | info[11];
	room = len - tail;
	if (sig_len == 0)
		return lf_err_set(err, -EBADMSG, "signature length is zero");
	if (sig_len >= room)
		return lf_err_set(err, -EBADMSG,
				  "signature length %u exceeds the %zu bytes before it (truncated or corrupt)",
				  sig_len, room);
	out->body_len = room - sig_len;
	out->sig_off = out->body_len;
	out->sig_len = sig_len;
	return 0;
}

void lf_modsig_trailer(size_t sig_len,
		       unsigned char out[LF_MODSIG_INFO_LEN + LF_MODSIG_MARKER_LEN])
{
	memset(out, 0, LF_MODSIG_INFO_LEN);
	out[2] = LF_MODSIG_ID_PKCS7;
	out[8] = (unsigned char)(sig_len >> 24);
	out[9] = (unsigned char)(sig_len >> 16);
	out[10] = (unsigned char)(sig_len >> 8);
	out[11] = (unsigned char)sig_len;
	memcpy(out + LF_MODSIG_INFO_LEN, LF_MODSIG_MARKER, LF_MODSIG_MARKER_LEN);
}

int lf_modsig_read_file(const char *path, unsigned char **bufp, size_t *lenp,
			struct lf_err *err)
{
	unsigned char *buf;
	struct stat st;
	size_t got = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lf_err_set(err, -errno, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st)) {
		ret = lf_err_set(err, -errno, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = lf_err_set(err, -EINVAL, "not a regular file");
		goto out;
	}
	if ((unsigned long long)st.st_size > LF_MODSIG_FILE_MAX) {
		ret = lf_err_set(err, -EFBIG, "%lld bytes is too large for a module",
				 (long long)st.st_size);
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		ret = lf_err_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = lf_err_set(err, n ? -errno : -EIO, "cannot read: %s",
					 n ? strerror(errno) : "file shrank while reading");
			free(buf);
			goto out;
		}
		got += (size_t)n;
	}
	*bufp = buf;
	*lenp = got;
out:
	close(fd);
	return ret;
}

bool lf_modsig_file_signed(const char *path)
{
	unsigned char tail[LF_MODSIG_MARKER_LEN];
	bool signed_ = false;
	off_t size;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	size = lseek(fd, 0, SEEK_END);
	if (size >= (off_t)sizeof(tail) &&
	    pread(fd, tail, sizeof(tail), size - (off_t)sizeof(tail)) == (ssize_t)sizeof(tail))
		signed_ = !memcmp(tail, LF_MODSIG_MARKER, sizeof(tail));
	close(fd);
	return signed_;
}
