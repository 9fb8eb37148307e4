/* The benchmarks' syslog server: binds a UDP port on 127.0.0.1 and drops what arrives, up to
 * 256 datagrams per recvmmsg call, so that on a shared machine the receiver takes as little of
 * the proxies' CPU as it can (socat reads one datagram per poll, about 9 us each here).
 * Usage: syslog-drain PORT */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum { BATCH = 256, DATAGRAM = 2048 };

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: %s PORT\n", argv[0]); return 2; }
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  int buffer = 4 << 20;
  setsockopt(s, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  if (bind(s, (struct sockaddr *)&address, sizeof address) < 0) { perror("bind"); return 1; }
  static char data[BATCH][DATAGRAM];
  struct iovec parts[BATCH];
  struct mmsghdr messages[BATCH];
  memset(messages, 0, sizeof messages);
  for (int i = 0; i < BATCH; i++) {
    parts[i] = (struct iovec){ .iov_base = data[i], .iov_len = DATAGRAM };
    messages[i].msg_hdr.msg_iov = &parts[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  for (;;) {
    if (recvmmsg(s, messages, BATCH, MSG_WAITFORONE, NULL) < 0) { perror("recvmmsg"); return 1; }
  }
}
