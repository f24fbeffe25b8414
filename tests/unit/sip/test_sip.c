#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "decode/sip_osip.h"
static void t_smoke(void **st) { (void)st; struct sw_sip_parser *sp = sw_sip_parser_new(); sw_sip_parser_free(sp); }
int main(void) { const struct CMUnitTest t[] = { cmocka_unit_test(t_smoke) }; return cmocka_run_group_tests(t, NULL, NULL); }
