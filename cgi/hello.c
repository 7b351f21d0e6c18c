/*
 * vep-hello: a bare libfcgi "hello" used only by bench/ as the ceiling a
 * FastCGI program can reach through the same nginx.  Not installed.
 */
#include <fcgiapp.h>

int
main(void)
{
	FCGX_Request r;
	FCGX_Init();
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_PutS("Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n", r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
