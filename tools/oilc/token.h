// Tokens of the OIL 2.5 language (OIL 2.5 specification, section 3: syntax).
#ifndef TOOLS_OILC_TOKEN_H_
#define TOOLS_OILC_TOKEN_H_

#include <cstdint>
#include <string>

#include "diagnostics.h"

namespace oilc {

enum class TokenKind {
  kIdentifier,
  kNumber,  // integer: magnitude in `number`, sign in `negative`
  kFloat,
  kString,
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kEquals,
  kSemicolon,
  kColon,
  kComma,
  kDotDot,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifier name, string contents, or the number's spelling
  Location location;
  uint64_t number = 0;
  bool negative = false;
  double float_value = 0;
};

// How a token kind is named in "expected ..." messages.
std::string Describe(TokenKind kind);
// How a concrete token is named in "unexpected ..." messages.
std::string Describe(const Token& token);

}  // namespace oilc

#endif  // TOOLS_OILC_TOKEN_H_
