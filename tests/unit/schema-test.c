/* Unit tests for schema (placeholder while the validator grows). */
#include "tap.h"
#include "compose/schema.h"

int main(void)
{
  ok(schema_compose() != NULL, "built-in schema parses");
  return tap_done();
}
