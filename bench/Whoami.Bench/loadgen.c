/*
 * HTTP/1.1 load generator for Whoami.Bench, compiled by the benchmark with the system C compiler.
 * It costs the server's cores far less per request than a .NET client, and its paced mode is an
 * open loop: request i is due at start + i / rate whatever happened to earlier requests, and its
 * latency counts from that due time, so a stalled server shows in the percentiles instead of
 * slowing the generator down.
 *
 *   loadgen peak  TARGETS COUNT CONNECTIONS        prints: requests/s
 *   loadgen paced TARGETS COUNT CONNECTIONS RATE   prints: requests/s p50_ms p99_ms
 *
 * TARGETS has one request per line: http://host:port/path, a header name and its value, separated by
 * tabs (the header may be empty). Request i goes to line i modulo the line count. Every answer must
 * be 200; anything else ends the run with exit code 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUFFER_SIZE 65536

typedef struct {
    char *bytes;
    size_t length;
} request_t;

typedef struct {
    int fd;
    int busy;
    int64_t due_ns;
    char buffer[BUFFER_SIZE];
    size_t filled;
} connection_t;

static request_t *requests;
static size_t request_count;
static struct sockaddr_in server_address;

static void fail(const char *what) {
    fprintf(stderr, "loadgen: %s: %s\n", what, errno ? strerror(errno) : "failed");
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Reads the targets file into ready-to-send request bytes; all lines must name one host and port. */
static void load_targets(const char *path) {
    FILE *file = fopen(path, "r");
    if (!file) fail(path);
    size_t capacity = 64;
    requests = malloc(capacity * sizeof(request_t));
    char line[8192];
    while (fgets(line, sizeof line, file)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0]) continue;
        char *url = strtok(line, "\t");
        char *header = strtok(NULL, "\t");
        char *value = header ? strtok(NULL, "\t") : NULL;
        if (strncmp(url, "http://", 7) != 0) { errno = 0; fail("only http:// targets are supported"); }
        char *host = url + 7;
        char *path_start = strchr(host, '/');
        char authority[256];
        size_t authority_length = path_start ? (size_t)(path_start - host) : strlen(host);
        if (authority_length >= sizeof authority) { errno = 0; fail("host too long"); }
        memcpy(authority, host, authority_length);
        authority[authority_length] = 0;
        char *colon = strrchr(authority, ':');
        if (!colon) { errno = 0; fail("the target URL needs an explicit port"); }
        *colon = 0;
        server_address.sin_family = AF_INET;
        server_address.sin_port = htons((uint16_t)atoi(colon + 1));
        if (inet_pton(AF_INET, authority, &server_address.sin_addr) != 1) { errno = 0; fail("the target host must be an IPv4 address"); }
        *colon = ':';
        char request[8192];
        int n = header && value && header[0]
            ? snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\n%s: %s\r\n\r\n", path_start ? path_start : "/", authority, header, value)
            : snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path_start ? path_start : "/", authority);
        if (request_count == capacity) requests = realloc(requests, (capacity *= 2) * sizeof(request_t));
        requests[request_count].bytes = strndup(request, (size_t)n);
        requests[request_count].length = (size_t)n;
        request_count++;
    }
    fclose(file);
    if (request_count == 0) { errno = 0; fail("the targets file is empty"); }
}

static int open_connection(int epoll_fd, connection_t *connection, int index) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) fail("socket");
    if (connect(fd, (struct sockaddr *)&server_address, sizeof server_address) != 0) fail("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct epoll_event event = { .events = EPOLLIN, .data.u32 = (uint32_t)index };
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) != 0) fail("epoll_ctl");
    connection->fd = fd;
    return fd;
}

static void send_request(connection_t *connection, size_t i, int64_t due_ns) {
    const request_t *request = &requests[i % request_count];
    size_t sent = 0;
    while (sent < request->length) {
        ssize_t n = write(connection->fd, request->bytes + sent, request->length - sent);
        if (n < 0) fail("write");
        sent += (size_t)n;
    }
    connection->busy = 1;
    connection->due_ns = due_ns;
    connection->filled = 0;
}

/* 1 when the buffer holds a whole response (Content-Length or chunked body), 0 when more is needed. */
static int response_complete(connection_t *c) {
    c->buffer[c->filled] = 0;
    char *end_of_headers = strstr(c->buffer, "\r\n\r\n");
    if (!end_of_headers) return 0;
    char *body = end_of_headers + 4;
    size_t body_bytes = c->filled - (size_t)(body - c->buffer);
    char *length = strcasestr(c->buffer, "\r\ncontent-length:");
    if (length && length < end_of_headers)
        return body_bytes >= strtoul(length + 17, NULL, 10);
    char *chunked = strcasestr(c->buffer, "\r\ntransfer-encoding: chunked");
    if (!chunked || chunked > end_of_headers) return 1;
    char *p = body;
    char *limit = c->buffer + c->filled;
    for (;;) {
        char *line_end = strstr(p, "\r\n");
        if (!line_end) return 0;
        unsigned long size = strtoul(p, NULL, 16);
        if (size == 0) return line_end + 4 <= limit;
        p = line_end + 2 + size + 2;
        if (p > limit) return 0;
    }
}

static int status_of(const connection_t *c) {
    return strncmp(c->buffer, "HTTP/1.1 ", 9) == 0 ? atoi(c->buffer + 9) : 0;
}

static int compare_latencies(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 5 || (strcmp(argv[1], "peak") != 0 && strcmp(argv[1], "paced") != 0) || (strcmp(argv[1], "paced") == 0 && argc < 6)) {
        fprintf(stderr, "usage: loadgen peak TARGETS COUNT CONNECTIONS | loadgen paced TARGETS COUNT CONNECTIONS RATE\n");
        return 2;
    }
    int paced = strcmp(argv[1], "paced") == 0;
    load_targets(argv[2]);
    size_t count = strtoul(argv[3], NULL, 10);
    int connection_count = atoi(argv[4]);
    double rate = paced ? atof(argv[5]) : 0;
    if (count == 0 || connection_count <= 0 || (paced && rate <= 0)) { errno = 0; fail("count, connections and rate must be positive"); }

    int epoll_fd = epoll_create1(0);
    if (epoll_fd < 0) fail("epoll_create1");
    connection_t *connections = calloc((size_t)connection_count, sizeof(connection_t));
    int *idle = malloc((size_t)connection_count * sizeof(int));
    int idle_count = 0;
    for (int i = 0; i < connection_count; i++) {
        open_connection(epoll_fd, &connections[i], i);
        idle[idle_count++] = i;
    }
    int64_t *latencies = malloc(count * sizeof(int64_t));
    struct epoll_event events[256];
    size_t next = 0, done = 0;
    int64_t start = now_ns();
    double interval_ns = paced ? 1e9 / rate : 0;

    while (done < count) {
        int64_t now = now_ns();
        /* Start every request that is due (all of them at once in peak mode) on an idle connection. */
        while (next < count && idle_count > 0) {
            int64_t due = paced ? start + (int64_t)(next * interval_ns) : now;
            if (due > now) break;
            send_request(&connections[idle[--idle_count]], next, due);
            next++;
        }
        struct timespec timeout, *wait = NULL;
        if (paced && next < count && idle_count > 0) {
            int64_t remaining = start + (int64_t)(next * interval_ns) - now_ns();
            if (remaining < 0) remaining = 0;
            timeout.tv_sec = remaining / 1000000000;
            timeout.tv_nsec = remaining % 1000000000;
            wait = &timeout;
        }
        int ready = wait ? epoll_pwait2(epoll_fd, events, 256, wait, NULL) : epoll_wait(epoll_fd, events, 256, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            fail("epoll_wait");
        }
        for (int e = 0; e < ready; e++) {
            int index = (int)events[e].data.u32;
            connection_t *c = &connections[index];
            ssize_t n = read(c->fd, c->buffer + c->filled, BUFFER_SIZE - 1 - c->filled);
            if (n <= 0) { if (n < 0 && errno == EAGAIN) continue; errno = n == 0 ? 0 : errno; fail(n == 0 ? "the server closed a connection" : "read"); }
            c->filled += (size_t)n;
            if (c->filled >= BUFFER_SIZE - 1) { errno = 0; fail("a response exceeded the buffer"); }
            if (!c->busy || !response_complete(c)) continue;
            int status = status_of(c);
            if (status != 200) {
                fprintf(stderr, "loadgen: the server answered %d: %.200s\n", status, c->buffer);
                return 1;
            }
            latencies[done++] = now_ns() - c->due_ns;
            c->busy = 0;
            if (!paced && next < count)
                send_request(c, next++, now_ns());
            else
                idle[idle_count++] = index;
        }
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    if (!paced) {
        printf("%.1f\n", (double)count / elapsed);
        return 0;
    }
    qsort(latencies, count, sizeof(int64_t), compare_latencies);
    printf("%.1f %.3f %.3f\n", (double)count / elapsed, latencies[count / 2] / 1e6, latencies[(size_t)(count * 0.99)] / 1e6);
    return 0;
}
