// Checks a register field against a manual's "[msb:lsb]" notation.
#ifndef TANDEM_TESTS_UNIT_DRIVERS_FIELD_SPAN_H_
#define TANDEM_TESTS_UNIT_DRIVERS_FIELD_SPAN_H_

namespace tandem::test {

// True when `field` is exactly bits [msb:lsb] (a single bit n is Spans(field, n, n)).
template <typename Field>
constexpr bool Spans(Field, unsigned msb, unsigned lsb) {
  return Field::kShift == lsb && Field::kShift + Field::kBits - 1 == msb;
}

}  // namespace tandem::test

#endif  // TANDEM_TESTS_UNIT_DRIVERS_FIELD_SPAN_H_
