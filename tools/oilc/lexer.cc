#include "lexer.h"

#include <cctype>
#include <filesystem>

namespace oilc {
namespace {

constexpr int kMaxIncludeDepth = 32;

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string DirOf(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty() || std::filesystem::path(name).is_absolute()) return name;
  return (std::filesystem::path(dir) / name).string();
}

std::string Key(const std::string& path) {
  return std::filesystem::path(path).lexically_normal().string();
}

class Lexer {
 public:
  Lexer(const std::string& path, const std::string& text, const LexOptions& options,
        Diagnostics& diags, std::vector<std::string>& stack, std::vector<Token>& out)
      : path_(path), text_(text), options_(options), diags_(diags), stack_(stack), out_(out) {}

  void Run() {
    for (;;) {
      SkipSpaceAndComments();
      if (AtEnd()) return;
      const char c = Peek();
      if (c == '#') {
        Directive();
      } else if (IsIdentStart(c)) {
        Identifier();
      } else if (IsDigit(c) || ((c == '-' || c == '+') && IsDigit(Peek(1)))) {
        Number();
      } else if (c == '"') {
        String();
      } else {
        Punctuation();
      }
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  Location Here() const { return {path_, line_, column_}; }
  void Advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    ++pos_;
  }

  void SkipSpaceAndComments() {
    while (!AtEnd()) {
      const char c = Peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
        Advance();
      } else if (c == '/' && Peek(1) == '/') {
        while (!AtEnd() && Peek() != '\n') Advance();
      } else if (c == '/' && Peek(1) == '*') {
        const Location start = Here();
        Advance();
        Advance();
        while (!AtEnd() && !(Peek() == '*' && Peek(1) == '/')) Advance();
        if (AtEnd()) {
          diags_.Fatal(start, "unterminated comment", "'*/' before the end of the file");
        }
        Advance();
        Advance();
      } else {
        return;
      }
    }
  }

  void Push(TokenKind kind, std::string text, const Location& at) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.location = at;
    out_.push_back(std::move(t));
  }

  void Identifier() {
    const Location at = Here();
    const size_t start = pos_;
    while (!AtEnd() && IsIdentChar(Peek())) Advance();
    Push(TokenKind::kIdentifier, text_.substr(start, pos_ - start), at);
  }

  // OIL numbers: decimal, 0x hexadecimal, 0 octal, optionally signed; floats with '.' or an
  // exponent. "1..5" is a range, not a float.
  void Number() {
    const Location at = Here();
    const size_t start = pos_;
    bool negative = false;
    if (Peek() == '-' || Peek() == '+') {
      negative = Peek() == '-';
      Advance();
    }
    bool is_float = false;
    if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X')) {
      Advance();
      Advance();
      while (!AtEnd() && IsIdentChar(Peek())) Advance();
    } else {
      while (!AtEnd() && IsIdentChar(Peek())) Advance();
      if (Peek() == '.' && IsDigit(Peek(1))) {
        is_float = true;
        Advance();
        while (!AtEnd() && IsIdentChar(Peek())) Advance();
      }
      if ((text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E') && (Peek() == '-' || Peek() == '+') &&
          IsDigit(Peek(1))) {
        is_float = true;
        Advance();
        while (!AtEnd() && IsIdentChar(Peek())) Advance();
      }
    }
    const std::string spelling = text_.substr(start, pos_ - start);
    Token t;
    t.text = spelling;
    t.location = at;
    t.negative = negative;
    const std::string digits = spelling.substr(negative || spelling[0] == '+' ? 1 : 0);
    const bool hex = digits.rfind("0x", 0) == 0 || digits.rfind("0X", 0) == 0;
    if (is_float || (!hex && digits.find_first_of("eE") != std::string::npos)) {
      size_t used = 0;
      try {
        t.float_value = std::stod(spelling, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != spelling.size()) BadNumber(at, spelling);
      t.kind = TokenKind::kFloat;
      out_.push_back(std::move(t));
      return;
    }
    int base = 10;
    size_t first = 0;
    if (digits.size() > 1 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
      base = 16;
      first = 2;
    } else if (digits.size() > 1 && digits[0] == '0') {
      base = 8;
      first = 1;
    }
    if (first >= digits.size()) BadNumber(at, spelling);
    uint64_t value = 0;
    for (size_t i = first; i < digits.size(); ++i) {
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[i])));
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (c >= 'a' && c <= 'f') d = 10 + c - 'a';
      if (d < 0 || d >= base) BadNumber(at, spelling);
      if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
        diags_.Fatal(at, "number " + spelling + " does not fit in 64 bits",
                     "a value of at most 18446744073709551615");
      }
      value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    }
    t.kind = TokenKind::kNumber;
    t.number = value;
    out_.push_back(std::move(t));
  }

  [[noreturn]] void BadNumber(const Location& at, const std::string& spelling) {
    diags_.Fatal(at, "bad number '" + spelling + "'",
                 "a decimal, 0x hexadecimal, 0 octal or floating-point number");
  }

  void String() {
    const Location at = Here();
    Advance();
    std::string value;
    while (!AtEnd() && Peek() != '"' && Peek() != '\n') {
      value += Peek();
      Advance();
    }
    if (AtEnd() || Peek() == '\n') {
      diags_.Fatal(at, "unterminated string", "a closing '\"' on the same line");
    }
    Advance();
    Push(TokenKind::kString, std::move(value), at);
  }

  void Punctuation() {
    const Location at = Here();
    const char c = Peek();
    TokenKind kind;
    switch (c) {
      case '{':
        kind = TokenKind::kLBrace;
        break;
      case '}':
        kind = TokenKind::kRBrace;
        break;
      case '[':
        kind = TokenKind::kLBracket;
        break;
      case ']':
        kind = TokenKind::kRBracket;
        break;
      case '=':
        kind = TokenKind::kEquals;
        break;
      case ';':
        kind = TokenKind::kSemicolon;
        break;
      case ':':
        kind = TokenKind::kColon;
        break;
      case ',':
        kind = TokenKind::kComma;
        break;
      case '.':
        if (Peek(1) == '.') {
          Advance();
          Advance();
          Push(TokenKind::kDotDot, "..", at);
          return;
        }
        [[fallthrough]];
      default: {
        // A non-printable byte is shown as C writes it, '\xa0', so that it can be found with
        // a hex dump or a search for the same escape.
        const auto byte = static_cast<unsigned char>(c);
        constexpr const char* kHex = "0123456789abcdef";
        const std::string shown = std::isprint(byte)
                                      ? std::string(1, c)
                                      : std::string("\\x") + kHex[byte >> 4] + kHex[byte & 0xF];
        diags_.Fatal(at, "unexpected character '" + shown + "'", "an OIL token");
      }
    }
    Advance();
    Push(kind, std::string(1, c), at);
  }

  void Directive() {
    const Location at = Here();
    Advance();
    while (Peek() == ' ' || Peek() == '\t') Advance();
    const size_t start = pos_;
    while (!AtEnd() && IsIdentChar(Peek())) Advance();
    const std::string name = text_.substr(start, pos_ - start);
    if (name != "include") {
      diags_.Fatal(at, "unknown directive '#" + name + "'", "#include <file> or #include \"file\"");
    }
    while (Peek() == ' ' || Peek() == '\t') Advance();
    const char open = Peek();
    if (open != '<' && open != '"') {
      diags_.Fatal(Here(), "malformed #include", "<file> or \"file\" after #include");
    }
    const char close = open == '<' ? '>' : '"';
    Advance();
    std::string file;
    while (!AtEnd() && Peek() != close && Peek() != '\n') {
      file += Peek();
      Advance();
    }
    if (Peek() != close || file.empty()) {
      diags_.Fatal(at, "malformed #include", std::string("a file name closed by '") + close + "'");
    }
    Advance();
    Include(at, file, open == '"');
  }

  void Include(const Location& at, const std::string& file, bool quoted) {
    std::vector<std::string> candidates;
    if (quoted) candidates.push_back(Join(DirOf(path_), file));
    for (const std::string& dir : options_.include_dirs) candidates.push_back(Join(dir, file));
    if (!quoted) candidates.push_back(Join(DirOf(path_), file));

    for (const std::string& candidate : candidates) {
      std::optional<std::string> text = options_.reader(candidate);
      if (text) {
        Enter(at, candidate, *text);
        return;
      }
    }
    if (file == kBuiltinTandemOilName) {
      Enter(at, kBuiltinTandemOilPath, kBuiltinTandemOil);
      return;
    }
    std::string searched;
    for (const std::string& c : candidates) searched += (searched.empty() ? "" : ", ") + c;
    diags_.Fatal(at, "cannot find include file '" + file + "'",
                 "a readable file at one of: " + searched);
  }

  void Enter(const Location& at, const std::string& path, const std::string& text) {
    const std::string key = Key(path);
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i] == key) {
        std::string chain;
        for (size_t j = i; j < stack_.size(); ++j) chain += stack_[j] + " -> ";
        diags_.Fatal(at, "include cycle " + chain + key, "an include graph without cycles");
      }
    }
    if (static_cast<int>(stack_.size()) >= kMaxIncludeDepth) {
      diags_.Fatal(at, "#include nested too deeply",
                   "at most " + std::to_string(kMaxIncludeDepth) + " levels");
    }
    stack_.push_back(key);
    Lexer(path, text, options_, diags_, stack_, out_).Run();
    stack_.pop_back();
  }

  const std::string path_;
  const std::string& text_;
  const LexOptions& options_;
  Diagnostics& diags_;
  std::vector<std::string>& stack_;
  std::vector<Token>& out_;
  size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace

std::vector<Token> TokenizeText(const std::string& path, const std::string& text,
                                const LexOptions& options, Diagnostics& diags) {
  std::vector<Token> out;
  std::vector<std::string> stack{Key(path)};
  Lexer(path, text, options, diags, stack, out).Run();
  // The end token sits after the last character of the top-level file.
  int line = 1;
  int column = 1;
  for (char c : text) {
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.location = {path, line, column};
  out.push_back(end);
  return out;
}

std::vector<Token> Tokenize(const std::string& path, const LexOptions& options,
                            Diagnostics& diags) {
  std::optional<std::string> text = options.reader(path);
  if (!text) diags.Fatal({path, 0, 0}, "cannot read the OIL file", "a readable file");
  return TokenizeText(path, *text, options, diags);
}

}  // namespace oilc
