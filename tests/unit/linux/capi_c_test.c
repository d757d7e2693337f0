/* tandem_c.h from C (not C++): the header compiles as C and a C program drives the fake RTOS
 * through libtandem_c_fake.so, as the example of docs/python.md ("The C ABI") does. Exit 0 when
 * every check holds; each failure names itself. */
#include <stdio.h>
#include <string.h>

#include "tandem_c.h"

/* The test library's hooks (tests/unit/linux/capi_fake.cc); not in tandem_c.h. */
void tandem_fake_reset(void);
void tandem_fake_add_rtos(uint32_t domid, const char* name);

static int failures;

static void Expect(int ok, const char* what, const tandem_error* err) {
  if (!ok) {
    ++failures;
    fprintf(stderr, "FAIL: %s (status %d %s: %s)\n", what, err->code, err->name, err->message);
  }
}

int main(void) {
  tandem_rtos* rtos = NULL;
  tandem_error err;
  uint32_t level = 9;
  tandem_fake_reset();
  tandem_fake_add_rtos(3, "tandem-rt");
  Expect(tandem_abi_version() == TANDEM_C_ABI_VERSION, "ABI version", &err);
  Expect(tandem_open(NULL, 2000, &rtos, &err) == TANDEM_OK && rtos != NULL, "open", &err);
  Expect(tandem_gpio_configure(rtos, 1, TANDEM_GPIO_OUT, 0, &err) == TANDEM_OK, "configure", &err);
  Expect(tandem_gpio_set(rtos, 1, 1, &err) == TANDEM_OK, "set", &err);
  Expect(tandem_gpio_get(rtos, 1, &level, &err) == TANDEM_OK && level == 1, "get", &err);
  /* Pin 5 is not exported: tandemctl's status 7, the RTOS's "permission denied" (5). */
  Expect(tandem_gpio_set(rtos, 5, 1, &err) == 7 && err.code == 7 && err.rtos_status == 5 &&
             strcmp(err.name, "refused") == 0 && strstr(err.message, "pin 5") != NULL,
         "set on a pin not exported is refused", &err);
  Expect(tandem_ping(rtos, NULL, NULL) == TANDEM_OK, "ping without error buffer", &err);
  Expect(strcmp(tandem_via(rtos), "direct") == 0, "no tandemd: direct", &err);
  tandem_close(rtos);
  /* No tandemd socket in the directory: directly, as tandem_open. */
  Expect(tandem_open_with("tandem-rt", 2000, TANDEM_OPEN_DIRECT, "/nonexistent", &rtos, &err) ==
                 TANDEM_OK &&
             strcmp(tandem_via(rtos), "direct") == 0,
         "open_with direct", &err);
  tandem_close(rtos);
  Expect(tandem_open_with(NULL, 2000, 6, NULL, &rtos, &err) == 2 && rtos == NULL &&
             strstr(err.message, "unknown flags 6") != NULL,
         "unknown flags are a usage error", &err);
  Expect(strcmp(tandem_via(NULL), "") == 0, "via of NULL", &err);
  Expect(tandem_open("nope", 2000, &rtos, &err) == 3 && rtos == NULL, "unknown domain", &err);
  Expect(tandem_open(NULL, 0, &rtos, &err) == 2, "timeout 0 is a usage error", &err);
  Expect(tandem_gpio_get(NULL, 1, &level, &err) == 2, "NULL handle is a usage error", &err);
  Expect(strcmp(tandem_errc_name(12), "rtos-restarted") == 0, "errc name", &err);
  tandem_close(NULL);
  if (failures == 0) printf("capi_c_test: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
