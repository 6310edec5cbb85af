// An email as bytes: RFC 5322 headers and a MIME multipart/alternative body (text/plain,
// then text/html), composed without any I/O so that both mail sinks send, and tests can
// read, exactly the same message.
//
// What compose_mime() writes:
//   Date: Fri, 27 Nov 2026 14:05:09 +0000          (UTC, whole seconds)
//   From: sgwatch <alerts@example.com>
//   To: owner@example.com, other@example.com
//   Subject: <the subject, RFC 2047 encoded when needed>
//   Message-ID: <...@...>
//   List-Id: sgwatch alerts <alerts.sgwatch.invalid>  (when given)
//   <the extra headers, in order>
//   MIME-Version: 1.0
//   Content-Type: multipart/alternative;
//    boundary="sgwatch-alt-<32 hex digits>"
//
//   --<boundary>
//   Content-Type: text/plain; charset=utf-8
//   Content-Transfer-Encoding: base64
//   ...
//   --<boundary>
//   Content-Type: text/html; charset=utf-8        (only when the HTML is not empty: an
//   ...                                             empty HTML part would show a blank mail)
//   --<boundary>--
//
// The output is 7-bit ASCII with CRLF line endings and no header line longer than 76
// characters (RFC 2047 limits lines holding encoded-words to 76; RFC 5322 asks for 78),
// except a line holding a single address or id that is longer on its own: those cannot
// be folded (RFC 5322 allows lines up to 998).
// Base64 bodies need no line-length or 8BITMIME care from any relay, and a body line can
// never be a lone "." or look like a boundary.
//
// Nothing is refused: the function cannot fail. Values that could break the message are
// made harmless instead, visibly:
// - text (the subject, display names, extra header values) holding CR, LF or other control
//   characters, non-ASCII, "=?" or a word too long for a line is written as RFC 2047
//   encoded-words, which decode back to the exact text and can never start a new header;
// - an address that is not a plain addr-spec (see check_email_address()) has its unsafe
//   characters replaced by '?'; composers should refuse such an address before composing,
//   and the SMTP sink refuses it in the envelope;
// - message and list ids lose any character outside printable ASCII;
// - a byte sequence that is not UTF-8 becomes U+FFFD in headers. Bodies are sent as given
//   (base64 carries any byte), with line breaks made CRLF.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/error.h"

namespace sgwatch {

struct EmailContent {  // UTF-8
  std::string subject;
  std::string text;
  std::string html;  // "" sends the text part alone
};

struct EmailHeaders {
  std::string from;              // "sgwatch <alerts@example.com>" or a bare address
  std::vector<std::string> to;   // addresses ("Name <address>" is accepted too); none: no To
  std::string message_id;        // "<...@...>"; also the seed of the MIME boundary
  Timestamp date;
  std::string list_id;           // "sgwatch alerts <alerts.sgwatch.invalid>"; "" = none
  // Written after List-Id, in order, as unstructured text (X-Sgwatch-Alert-Id,
  // Auto-Submitted). They must not repeat a header written above or a MIME header. A name
  // character outside printable ASCII, or a ':', is replaced by '-'.
  std::vector<std::pair<std::string, std::string>> extra;
};

// The whole message, as described above. Equal inputs give equal bytes.
std::string compose_mime(const EmailHeaders& headers, const EmailContent& content);

// `utf8` as the value of an unstructured header ("Subject: " + value): as is when it is
// printable ASCII that folds at its spaces, else as RFC 2047 "=?UTF-8?B?...?=" words of at
// most 75 characters, each holding whole UTF-8 characters only. Folds are CRLF + space.
// `first_line_used` counts what precedes the value on its first line ("Subject: " is 9),
// so that every line stays within 76 characters.
std::string encode_header_text(std::string_view utf8, std::size_t first_line_used = 0);

// "Fri, 27 Nov 2026 14:05:09 +0000": RFC 5322's date-time in UTC, English names whatever
// the locale, the milliseconds dropped.
std::string rfc5322_date(Timestamp at);

// "sgwatch-alt-" and 32 hex digits of SHA-256 over the message id. The '-' never occurs in
// base64, so no body line can be mistaken for the boundary, and the same message id gives
// the same bytes on every resend.
std::string mime_boundary(std::string_view message_id);

// The address of "Name <address>" (or of "\"Quoted, Name\" <address>"); a bare address
// as it is, without surrounding blanks.
std::string bare_address(std::string_view mailbox);

// Whether `address` is a plain ASCII addr-spec, local-part@domain, that can be written in
// a header or an SMTP command as is: a dot-atom local part (no quoted strings) of at most
// 64 characters, and a domain of letters, digits and hyphens (or an address literal in
// brackets), at most 254 characters in all. The message quotes the address (addresses
// are not secrets) with unprintable characters shown as '?'.
[[nodiscard]] Status check_email_address(std::string_view address);

}  // namespace sgwatch
