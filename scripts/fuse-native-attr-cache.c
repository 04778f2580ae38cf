/* pond: attr cache patch */
/*
 * Inserted into fuse-native.c by scripts/patch-fuse-native.mjs (see native-notes/
 * performance.md "Exact attribute cache"). Active only when the mount options carry
 * `pond_attr_cache=SECONDS` (pond mounts with attr_timeout=0 and passes it; other users
 * of this fuse-native see no change).
 *
 * libfuse 2.9's high-level API gives each PATH its own nodeid, so two names of one file
 * are two kernel inodes: a cached attribute of one name goes stale when the file changes
 * through the other. We wrap the /dev/fuse channel and set attr_valid per reply:
 *   - the configured time for directories and for regular files with nlink == 1 whose
 *     inode number never had nlink > 1 on this mount, when the JS getattr answering this
 *     request marked its stat cacheable (st_dev == POND_MAY_CACHE; libfuse never sends
 *     st_dev to the kernel). A single-name file changes only through its one kernel
 *     inode, and the kernel invalidates that inode's attributes itself on write,
 *     setattr, link, unlink and rename;
 *   - 0 for everything else (hard links, symlinks, special files, anything JS did not
 *     mark, e.g. `.history` whose attributes change with every commit).
 * FUSE_LINK: the kernel (fs/fuse/dir.c fuse_link) only updates the source inode's ctime,
 * so its cached nlink 1 would outlive the link. Before the LINK reply goes out we send
 * FUSE_NOTIFY_INVAL_INODE for the source nodeid; its attr_version bump also makes the
 * kernel drop any getattr reply that was in flight before.
 *
 * security.capability: the kernel asks for it before every write() to a file (to drop
 * file capabilities, fs/inode.c file_remove_privs), a JS round trip per write. A nodeid
 * JS answered ENODATA for is remembered and answered here (see pond_nocap_*).
 *
 * fuse_loop_mt's workers each receive a request, run it and send its reply on the same
 * thread (the high-level API replies synchronously), so the request being answered is
 * kept in thread-local storage; a reply whose `unique` is not the one this thread read
 * (notifications, or anything unexpected) is sent unchanged, with libfuse's attr_valid.
 */
#define POND_MAX_PAGES 256 /* the kernel's default fuse max_pages_limit: 1 MiB requests */

/* Pages per request asked for by pond_max_pages=N (0: libfuse's 32), from pond_take_option
   to pond_chan_wrap: both run in fuse_native_mount, on the thread that mounts. */
static uint32_t pond_pages = 0;

#ifdef __linux__ /* fuse_kernel.h and the notify call: libfuse 2.9 on Linux */
#include <errno.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <fuse_kernel.h>

static const uint32_t pond_attr_cache = 1; /* exported: JS checks this build is patched */

#define POND_MAY_CACHE 1 /* st_dev value by which JS marks a stat cacheable */
#define POND_STICKY_WORDS (1 << 14) /* 2^20 bits: inode numbers once seen with nlink > 1 */
#define POND_REPLY_MAX 512 /* attribute replies are < 256 bytes */
#define POND_FUSE_MAX_PAGES (1u << 22) /* FUSE_MAX_PAGES: newer than libfuse 2.9's header */
#define POND_INIT_OUT_SIZE 64 /* fuse_init_out since protocol 7.23; 2.9's is 24 bytes */
#define POND_NOCAP_SLOTS 4096 /* direct-mapped; a collision only costs a JS round trip */
#define POND_NOCAP_EPOCH_BITS 20
#define POND_NOCAP_EPOCH_MASK ((1u << POND_NOCAP_EPOCH_BITS) - 1)
#define POND_NOCAP_MAX_NODEID (1ull << (64 - POND_NOCAP_EPOCH_BITS)) /* libfuse 2.9's are 32-bit */

/* exported: the most pages per request pond_max_pages=N can ask for (0: not supported) */
static const uint32_t pond_max_pages = POND_MAX_PAGES;

typedef struct {
  uint64_t valid_sec;
  uint32_t valid_nsec;
  /* pond_pages when the channel was made; 0 once the kernel's INIT did not offer
     FUSE_MAX_PAGES (written and read by the one thread that receives and answers INIT) */
  uint32_t pages;
  uint64_t sticky[POND_STICKY_WORDS];
  /* nodeids known to have no security.capability: (nodeid << POND_NOCAP_EPOCH_BITS) |
     the epoch they were learnt in, one word each so no reader sees half an entry */
  uint32_t nocap_epoch;
  uint64_t nocap[POND_NOCAP_SLOTS];
} pond_chan_t;

enum { POND_HINT_NONE = 0, POND_HINT_CACHE, POND_HINT_VOLATILE };

static __thread struct {
  uint64_t unique;
  uint32_t opcode;
  uint64_t link_source;
  int hint;
  uint64_t nocap_probe; /* a GETXATTR security.capability of this nodeid, or 0 */
  uint32_t nocap_epoch; /* the epoch it was received in */
} pond_req;

static int pond_chan_writev (struct fuse_chan *ch, const struct iovec iov[], size_t count);

static uint32_t pond_sticky_bit (uint64_t ino) {
  uint64_t h = ino * 0x9E3779B97F4A7C15ull; /* hash: collisions only cost caching */
  return (uint32_t) (h >> 44); /* top 20 bits */
}

static void pond_sticky_mark (pond_chan_t *pc, uint64_t ino) {
  uint32_t b = pond_sticky_bit(ino);
  __atomic_fetch_or(&pc->sticky[b >> 6], 1ull << (b & 63), __ATOMIC_SEQ_CST);
}

static int pond_sticky_has (pond_chan_t *pc, uint64_t ino) {
  uint32_t b = pond_sticky_bit(ino);
  return (__atomic_load_n(&pc->sticky[b >> 6], __ATOMIC_SEQ_CST) >> (b & 63)) & 1;
}

/*
 * The security.capability cache. An entry is learnt from a JS ENODATA reply, and only if
 * no request that can change what a nodeid's capability is (SETXATTR, REMOVEXATTR, LINK,
 * RENAME: libfuse's nodeids are per path, so a link or rename can put another file's
 * attributes behind one) was received or answered since the GETXATTR was received: each
 * of those starts a new epoch at both moments, which invalidates every entry at once (JS
 * may answer a later probe before it applies an earlier setxattr). FORGET drops a nodeid's entry, so an id
 * libfuse hands out again never inherits one. The epoch wraps after 2^20 such requests:
 * the table is zeroed then, so an entry from before the wrap cannot come back to life.
 */
static uint32_t pond_nocap_slot (uint64_t nodeid) {
  return (uint32_t) ((nodeid * 0x9E3779B97F4A7C15ull) >> 52); /* top 12 bits: 4096 slots */
}

static uint64_t pond_nocap_entry (uint64_t nodeid, uint32_t epoch) {
  return (nodeid << POND_NOCAP_EPOCH_BITS) | (epoch & POND_NOCAP_EPOCH_MASK);
}

static int pond_nocap_has (pond_chan_t *pc, uint64_t nodeid) {
  if (nodeid == 0 || nodeid >= POND_NOCAP_MAX_NODEID) return 0;
  uint32_t epoch = __atomic_load_n(&pc->nocap_epoch, __ATOMIC_SEQ_CST);
  return __atomic_load_n(&pc->nocap[pond_nocap_slot(nodeid)], __ATOMIC_SEQ_CST) == pond_nocap_entry(nodeid, epoch);
}

static void pond_nocap_learn (pond_chan_t *pc, uint64_t nodeid, uint32_t epoch) {
  if (nodeid == 0 || nodeid >= POND_NOCAP_MAX_NODEID) return;
  uint64_t *slot = &pc->nocap[pond_nocap_slot(nodeid)];
  __atomic_store_n(slot, pond_nocap_entry(nodeid, epoch), __ATOMIC_SEQ_CST);
  /* A new epoch began meanwhile: the entry may be stale already, take it back. */
  if (__atomic_load_n(&pc->nocap_epoch, __ATOMIC_SEQ_CST) != epoch) __atomic_store_n(slot, 0, __ATOMIC_SEQ_CST);
}

static void pond_nocap_forget (pond_chan_t *pc, uint64_t nodeid) {
  if (nodeid == 0 || nodeid >= POND_NOCAP_MAX_NODEID) return;
  uint64_t *slot = &pc->nocap[pond_nocap_slot(nodeid)];
  uint64_t seen = __atomic_load_n(slot, __ATOMIC_SEQ_CST);
  if ((seen >> POND_NOCAP_EPOCH_BITS) == nodeid) {
    __atomic_compare_exchange_n(slot, &seen, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  }
}

static void pond_nocap_new_epoch (pond_chan_t *pc) {
  uint32_t epoch = __atomic_add_fetch(&pc->nocap_epoch, 1, __ATOMIC_SEQ_CST);
  if ((epoch & POND_NOCAP_EPOCH_MASK) == 0) {
    for (size_t i = 0; i < POND_NOCAP_SLOTS; i++) __atomic_store_n(&pc->nocap[i], 0, __ATOMIC_SEQ_CST);
  }
}

/* The name of a GETXATTR request (after its fuse_getxattr_in), when it is security.capability. */
static int pond_is_capability_probe (const char *buf, size_t len) {
  static const char name[] = "security.capability";
  size_t at = sizeof(struct fuse_in_header) + sizeof(struct fuse_getxattr_in);
  return len >= at + sizeof(name) && memcmp(buf + at, name, sizeof(name)) == 0;
}

/* Requests that can change what stands behind a nodeid's capability: an epoch starts at
   each one's receipt and again as its reply goes out (after JS applied it). The second
   voids an ENODATA that JS gave, before applying it, to a probe received after the first. */
static int pond_nocap_changes (uint32_t opcode) {
  return opcode == FUSE_SETXATTR || opcode == FUSE_REMOVEXATTR || opcode == FUSE_LINK ||
    opcode == FUSE_RENAME || opcode == 45; /* FUSE_RENAME2, newer than libfuse 2.9 (which answers ENOSYS) */
}

/* Notes what a request means for the cache; 1 when it is answered from it (ENODATA). */
static int pond_nocap_receive (pond_chan_t *pc, const char *buf, size_t len) {
  const struct fuse_in_header *in = (const struct fuse_in_header *) buf;
  const char *arg = buf + sizeof(*in);
  if (pond_nocap_changes(in->opcode)) {
    pond_nocap_new_epoch(pc);
    return 0;
  }
  switch (in->opcode) {
    case FUSE_GETXATTR:
      if (!pond_is_capability_probe(buf, len)) return 0;
      if (pond_nocap_has(pc, in->nodeid)) return 1;
      pond_req.nocap_probe = in->nodeid;
      pond_req.nocap_epoch = __atomic_load_n(&pc->nocap_epoch, __ATOMIC_SEQ_CST);
      return 0;
    case FUSE_FORGET:
      pond_nocap_forget(pc, in->nodeid);
      return 0;
    case FUSE_BATCH_FORGET: {
      if (len < sizeof(*in) + sizeof(struct fuse_batch_forget_in)) return 0;
      uint32_t count = ((const struct fuse_batch_forget_in *) arg)->count;
      const struct fuse_forget_one *one = (const struct fuse_forget_one *) (arg + sizeof(struct fuse_batch_forget_in));
      for (uint32_t i = 0; i < count && (const char *) (one + i + 1) <= buf + len; i++) {
        pond_nocap_forget(pc, one[i].nodeid);
      }
      return 0;
    }
    default:
      return 0;
  }
}

/* Answers a request with an error and no payload. */
static void pond_reply_error (struct fuse_chan *ch, uint64_t unique, int error) {
  struct fuse_out_header out = { .len = sizeof(out), .error = -error, .unique = unique };
  struct iovec one = { .iov_base = &out, .iov_len = sizeof(out) };
  pond_chan_writev(ch, &one, 1);
}

/* Called after each JS getattr/fgetattr on the worker thread that will send the reply. */
static void pond_note_stat (int res, const struct stat *st) {
  if (res == 0) pond_req.hint = st->st_dev == POND_MAY_CACHE ? POND_HINT_CACHE : POND_HINT_VOLATILE;
}

static int pond_getattr (const char *path, struct stat *stat) {
  int res = fuse_native_getattr(path, stat);
  pond_note_stat(res, stat);
  return res;
}

static int pond_fgetattr (const char *path, struct stat *stat, struct fuse_file_info *info) {
  int res = fuse_native_fgetattr(path, stat, info);
  pond_note_stat(res, stat);
  return res;
}

static void pond_set_valid (pond_chan_t *pc, uint64_t *valid, uint32_t *nsec, const struct fuse_attr *a) {
  uint32_t type = a->mode & S_IFMT;
  if (type != S_IFDIR && a->nlink > 1) pond_sticky_mark(pc, a->ino);
  int cache = pond_req.hint == POND_HINT_CACHE &&
    (type == S_IFDIR || (type == S_IFREG && a->nlink == 1 && !pond_sticky_has(pc, a->ino)));
  *valid = cache ? pc->valid_sec : 0;
  *nsec = cache ? pc->valid_nsec : 0;
}

/* Rewrites attr_valid in buf (header + payload, len bytes) for the request's opcode. */
static void pond_rewrite (pond_chan_t *pc, char *buf, size_t len) {
  char *p = buf + sizeof(struct fuse_out_header);
  size_t n = len - sizeof(struct fuse_out_header);
  switch (pond_req.opcode) {
    case FUSE_GETATTR:
    case FUSE_SETATTR: {
      if (n < sizeof(struct fuse_attr_out)) return;
      struct fuse_attr_out *o = (struct fuse_attr_out *) p;
      pond_set_valid(pc, &o->attr_valid, &o->attr_valid_nsec, &o->attr);
      return;
    }
    case FUSE_LOOKUP:
    case FUSE_MKNOD:
    case FUSE_MKDIR:
    case FUSE_SYMLINK:
    case FUSE_LINK:
    case FUSE_CREATE: {
      if (n < sizeof(struct fuse_entry_out)) return;
      struct fuse_entry_out *o = (struct fuse_entry_out *) p;
      if (o->nodeid == 0) return; /* a negative entry carries no attributes */
      pond_set_valid(pc, &o->attr_valid, &o->attr_valid_nsec, &o->attr);
      return;
    }
    default:
      return;
  }
}

static int pond_is_attr_reply (uint32_t opcode) {
  return opcode == FUSE_GETATTR || opcode == FUSE_SETATTR || opcode == FUSE_LOOKUP ||
    opcode == FUSE_MKNOD || opcode == FUSE_MKDIR || opcode == FUSE_SYMLINK ||
    opcode == FUSE_LINK || opcode == FUSE_CREATE;
}

/*
 * libfuse 2.9's high-level setattr calls utimens only when BOTH times are set, so a
 * utimensat that sets one (`touch -m`, `touch -a`: UTIME_OMIT for the other) was acked
 * and dropped. Such a request gets the other time too, as UTIME_OMIT in its nanoseconds
 * (it fits the protocol's 32 bits); libfuse passes it through in the timespec, and the
 * utimens patch turns it into "leave unchanged" for JS.
 */
static void pond_one_time (char *arg) {
  struct fuse_setattr_in *a = (struct fuse_setattr_in *) arg;
  uint32_t both = FATTR_ATIME | FATTR_MTIME;
  uint32_t set = a->valid & both;
  if (set == FATTR_ATIME) {
    a->mtime = 0;
    a->mtimensec = UTIME_OMIT;
  } else if (set == FATTR_MTIME) {
    a->atime = 0;
    a->atimensec = UTIME_OMIT;
  } else {
    return;
  }
  a->valid |= both;
}

/* libfuse 2.9's fuse_kern_chan_receive, plus noting the request in pond_req. */
static int pond_chan_receive (struct fuse_chan **chp, char *buf, size_t size) {
  struct fuse_chan *ch = *chp;
  struct fuse_session *se = fuse_chan_session(ch);
  ssize_t res;
  int err;
restart:
  pond_req.unique = 0;
  pond_req.hint = POND_HINT_NONE;
  pond_req.nocap_probe = 0;
  res = read(fuse_chan_fd(ch), buf, size);
  err = errno;
  if (fuse_session_exited(se)) return 0;
  if (res == -1) {
    if (err == ENOENT) goto restart; /* the request was interrupted: safe to restart */
    if (err == ENODEV) { /* unmounted */
      fuse_session_exit(se);
      return 0;
    }
    if (err != EINTR && err != EAGAIN) perror("fuse: reading device");
    return -err;
  }
  if ((size_t) res < sizeof(struct fuse_in_header)) {
    fprintf(stderr, "short read on fuse device\n");
    return -EIO;
  }
  const struct fuse_in_header *in = (const struct fuse_in_header *) buf;
  if (pond_nocap_receive((pond_chan_t *) fuse_chan_data(ch), buf, (size_t) res)) {
    /* As libfuse does with its replies, a failed one is not the loop's end: an unmount
       shows at the next read (ENODEV). */
    pond_reply_error(ch, in->unique, ENODATA);
    goto restart;
  }
  pond_req.unique = in->unique;
  pond_req.opcode = in->opcode;
  pond_req.link_source = 0;
  if (in->opcode == FUSE_SETATTR && (size_t) res >= sizeof(*in) + sizeof(struct fuse_setattr_in)) {
    pond_one_time(buf + sizeof(*in));
  }
  if (in->opcode == FUSE_INIT && (size_t) res >= sizeof(*in) + sizeof(struct fuse_init_in) &&
      !(((const struct fuse_init_in *) (buf + sizeof(*in)))->flags & POND_FUSE_MAX_PAGES)) {
    ((pond_chan_t *) fuse_chan_data(ch))->pages = 0;
  }
  if (in->opcode == FUSE_LINK && (size_t) res >= sizeof(*in) + sizeof(struct fuse_link_in)) {
    pond_req.link_source = ((const struct fuse_link_in *) (buf + sizeof(*in)))->oldnodeid;
  }
  return res;
}

static int pond_chan_writev (struct fuse_chan *ch, const struct iovec iov[], size_t count) {
  ssize_t res = writev(fuse_chan_fd(ch), iov, count);
  int err = errno;
  if (res == -1) {
    struct fuse_session *se = fuse_chan_session(ch);
    /* ENOENT means the request was interrupted */
    if (se != NULL && !fuse_session_exited(se) && err != ENOENT) perror("fuse: writing device");
    return -err;
  }
  return 0;
}

/* Copies the iovecs into buf (size bytes); their total length, or 0 when they do not fit. */
static size_t pond_gather (char *buf, size_t size, const struct iovec iov[], size_t count) {
  size_t len = 0;
  for (size_t i = 0; i < count; i++) {
    if (len + iov[i].iov_len > size) return 0;
    memcpy(buf + len, iov[i].iov_base, iov[i].iov_len);
    len += iov[i].iov_len;
  }
  return len;
}

/*
 * Requests of up to pond_pages pages instead of 32 (128 KiB): each FUSE request costs
 * the same few thread handoffs whatever its size, and at 128 KiB those were most of the
 * CPU of a large sequential write or read. libfuse 2.9 speaks protocol 7.19, which has
 * no max_pages: its INIT reply (24 bytes) is extended to the 7.23 layout with
 * FUSE_MAX_PAGES and max_pages set; its max_write already follows the channel's buffer
 * size (pond_chan_wrap). Anything unexpected goes out unchanged: 128 KiB requests.
 */
static int pond_init_reply (struct fuse_chan *ch, const struct iovec iov[], size_t count) {
  uint32_t pages = ((pond_chan_t *) fuse_chan_data(ch))->pages;
  char buf[sizeof(struct fuse_out_header) + POND_INIT_OUT_SIZE];
  size_t len = pond_gather(buf, sizeof(buf), iov, count);
  if (pages <= 32 || len != sizeof(struct fuse_out_header) + sizeof(struct fuse_init_out)) {
    return pond_chan_writev(ch, iov, count);
  }
  memset(buf + len, 0, sizeof(buf) - len);
  struct fuse_out_header *out = (struct fuse_out_header *) buf;
  struct fuse_init_out *init = (struct fuse_init_out *) (buf + sizeof(*out));
  init->flags |= POND_FUSE_MAX_PAGES;
  uint16_t max_pages = (uint16_t) pages;
  memcpy(buf + sizeof(*out) + 28, &max_pages, sizeof(max_pages)); /* max_pages, at offset 28 in 7.23 */
  out->len = sizeof(buf);
  struct iovec one = { .iov_base = buf, .iov_len = sizeof(buf) };
  return pond_chan_writev(ch, &one, 1);
}

static int pond_chan_send (struct fuse_chan *ch, const struct iovec iov[], size_t count) {
  if (iov == NULL) return 0;
  if (count == 0 || iov[0].iov_len < sizeof(struct fuse_out_header)) return pond_chan_writev(ch, iov, count);
  const struct fuse_out_header *out = (const struct fuse_out_header *) iov[0].iov_base;
  if (out->unique == 0 || out->unique != pond_req.unique) return pond_chan_writev(ch, iov, count);
  pond_req.unique = 0; /* this request is answered */
  if (pond_req.nocap_probe != 0 && out->error == -ENODATA) {
    pond_nocap_learn((pond_chan_t *) fuse_chan_data(ch), pond_req.nocap_probe, pond_req.nocap_epoch);
  }
  if (pond_nocap_changes(pond_req.opcode)) pond_nocap_new_epoch((pond_chan_t *) fuse_chan_data(ch));
  if (pond_req.opcode == FUSE_INIT && out->error == 0) return pond_init_reply(ch, iov, count);
  if (out->error != 0 || !pond_is_attr_reply(pond_req.opcode)) return pond_chan_writev(ch, iov, count);
  if (pond_req.opcode == FUSE_LINK && pond_req.link_source != 0) {
    /* Attributes only (offset < 0): the source's pages are still right. */
    fuse_lowlevel_notify_inval_inode(ch, pond_req.link_source, -1, 0);
  }
  char buf[POND_REPLY_MAX];
  size_t len = pond_gather(buf, sizeof(buf), iov, count);
  if (len == 0) return pond_chan_writev(ch, iov, count); /* unexpected: as is */
  pond_rewrite((pond_chan_t *) fuse_chan_data(ch), buf, len);
  struct iovec one = { .iov_base = buf, .iov_len = len };
  return pond_chan_writev(ch, &one, 1);
}

/* The fd belongs to the mount's own channel, which fuse_unmount closes. */
static void pond_chan_destroy (struct fuse_chan *ch) {
  free(fuse_chan_data(ch));
}

/* A channel over ch's fd that sets attr_valid per reply; ch itself if seconds < 0. */
static struct fuse_chan *pond_chan_wrap (struct fuse_chan *ch, double seconds) {
  if (seconds < 0) return ch;
  pond_chan_t *pc = calloc(1, sizeof(pond_chan_t));
  if (pc == NULL) return ch; /* libfuse's attr_timeout (0) for every reply: exact, slower */
  pc->valid_sec = (uint64_t) seconds;
  pc->valid_nsec = (uint32_t) ((seconds - (double) pc->valid_sec) * 1e9);
  pc->pages = pond_pages;
  struct fuse_chan_ops op = {
    .receive = pond_chan_receive,
    .send = pond_chan_send,
    .destroy = pond_chan_destroy,
  };
  /* A write request is a header page plus its data: the kernel refuses to hand one to a
     smaller buffer, and libfuse sets max_write to this size less 4 KiB. */
  size_t bufsize = fuse_chan_bufsize(ch);
  if (pc->pages > 32 && bufsize < (pc->pages + 1) * 4096) bufsize = (pc->pages + 1) * 4096;
  struct fuse_chan *wrapped = fuse_chan_new(&op, fuse_chan_fd(ch), bufsize, pc);
  if (wrapped == NULL) {
    free(pc);
    return ch;
  }
  return wrapped;
}

#else /* elsewhere: no cache; pond sees pond_attr_cache == 0 and does not ask for one */
static const uint32_t pond_attr_cache = 0;
static const uint32_t pond_max_pages = 0;

static int pond_getattr (const char *path, struct stat *stat) {
  return fuse_native_getattr(path, stat);
}

static int pond_fgetattr (const char *path, struct stat *stat, struct fuse_file_info *info) {
  return fuse_native_fgetattr(path, stat, info);
}

static struct fuse_chan *pond_chan_wrap (struct fuse_chan *ch, double seconds) {
  (void) seconds;
  return ch;
}
#endif

/*
 * Takes `KEY=NUMBER` out of the "-o..." option string (libfuse would reject it) and
 * returns NUMBER, or -1 when absent or malformed (not in [0, 1e9)).
 */
static double pond_take_number (char *opts, const char *key) {
  size_t klen = strlen(key);
  char *at = strstr(opts, key);
  if (at == NULL || !(at == opts + 2 || at[-1] == ',')) return -1;
  char *end;
  double value = strtod(at + klen, &end);
  if (end == at + klen || (*end != ',' && *end != '\0') || !(value >= 0 && value < 1e9)) return -1;
  char *from = at[-1] == ',' ? at - 1 : at; /* drop the item and its leading comma */
  char *rest = *end == ',' && from == at ? end + 1 : end;
  memmove(from, rest, strlen(rest) + 1);
  return value;
}

/*
 * pond's options: returns the seconds of `pond_attr_cache=SECONDS` (-1 when absent), and
 * notes `pond_max_pages=N` (only with the attribute cache: it rides on the same channel).
 */
static double pond_take_option (char *opts) {
  double pages = pond_take_number(opts, "pond_max_pages=");
  pond_pages = pages > 32 ? (pages < POND_MAX_PAGES ? (uint32_t) pages : POND_MAX_PAGES) : 0;
  return pond_take_number(opts, "pond_attr_cache=");
}
/* pond: attr cache patch end */
