#include "token.h"

namespace oilc {

std::string Describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::kIdentifier:
      return "a name";
    case TokenKind::kNumber:
      return "a number";
    case TokenKind::kFloat:
      return "a floating-point number";
    case TokenKind::kString:
      return "a string";
    case TokenKind::kLBrace:
      return "'{'";
    case TokenKind::kRBrace:
      return "'}'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kEquals:
      return "'='";
    case TokenKind::kSemicolon:
      return "';'";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kDotDot:
      return "'..'";
    case TokenKind::kEnd:
      return "end of file";
  }
  return "?";
}

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kIdentifier:
      return "'" + token.text + "'";
    case TokenKind::kNumber:
    case TokenKind::kFloat:
      return "number " + token.text;
    case TokenKind::kString:
      return "string \"" + token.text + "\"";
    default:
      return Describe(token.kind);
  }
}

}  // namespace oilc
