// Recursive-descent parser for OIL 2.5 (section 3.2): tokens in, syntax tree out.
#ifndef TOOLS_OILC_PARSER_H_
#define TOOLS_OILC_PARSER_H_

#include <vector>

#include "ast.h"
#include "diagnostics.h"
#include "token.h"

namespace oilc {

// Appends what `tokens` define to `file`. Throws FatalError (after reporting) on the first
// syntax error: an OIL file with a syntax error has no meaning worth checking further.
void Parse(const std::vector<Token>& tokens, OilFile& file, Diagnostics& diags);

}  // namespace oilc

#endif  // TOOLS_OILC_PARSER_H_
