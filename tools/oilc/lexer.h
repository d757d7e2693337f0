// The OIL lexer: comments, tokens and the `#include` directive (OIL 2.5, section 3.1: "the
// preprocessor directives #include <file> and #include "file" are supported").
#ifndef TOOLS_OILC_LEXER_H_
#define TOOLS_OILC_LEXER_H_

#include <string>
#include <vector>

#include "diagnostics.h"
#include "source.h"
#include "token.h"

namespace oilc {

struct LexOptions {
  std::vector<std::string> include_dirs;  // -I, searched in order
  FileReader reader;
};

// Returns the tokens of `path` with every #include spliced in, ending in one kEnd token.
// `#include "f"` searches the including file's directory, then the -I directories;
// `#include <f>` the -I directories, then the including file's directory. Throws FatalError
// (after reporting) on the first lexical error, a missing include file or an include cycle.
std::vector<Token> Tokenize(const std::string& path, const LexOptions& options, Diagnostics& diags);

// The same for text already in memory (the built-in implementation part).
std::vector<Token> TokenizeText(const std::string& path, const std::string& text,
                                const LexOptions& options, Diagnostics& diags);

}  // namespace oilc

#endif  // TOOLS_OILC_LEXER_H_
