#include "notify/email_message.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.h"

namespace sgwatch::email_message_test {
namespace {

using std::chrono::milliseconds;

// Fri, 27 Nov 2026 14:05:09.250 UTC.
const Timestamp kDate = Timestamp(milliseconds(1795788309250));

// The decoding below is written apart from the code under test, so that the message is
// checked as a reader sees it rather than by the composer's own arithmetic.

std::string base64_decode(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c != '\r' && c != '\n') clean += c;
  }
  if (clean.empty()) return "";
  std::string out(clean.size() / 4 * 3 + 3, '\0');
  const int size = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                   reinterpret_cast<const unsigned char*>(clean.data()),
                                   static_cast<int>(clean.size()));
  if (size < 0) return "(not base64)";
  size_t padding = 0;
  if (clean.size() >= 1 && clean[clean.size() - 1] == '=') ++padding;
  if (clean.size() >= 2 && clean[clean.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(size) - padding);
  return out;
}

bool is_encoded_word(std::string_view token) {
  return token.starts_with("=?UTF-8?B?") && token.ends_with("?=") && token.size() >= 12;
}

std::string decode_word(std::string_view word) {
  return base64_decode(word.substr(10, word.size() - 12));
}

// Whether `text` is well-formed UTF-8 on its own (no sequence cut at either end).
bool whole_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

std::vector<std::string> split_on(std::string_view text, std::string_view separator) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (true) {
    size_t end = text.find(separator, begin);
    if (end == std::string_view::npos) {
      out.emplace_back(text.substr(begin));
      return out;
    }
    out.emplace_back(text.substr(begin, end - begin));
    begin = end + separator.size();
  }
}

// An unfolded header value with its encoded-words decoded (RFC 2047 6.2: the space
// between two adjacent encoded-words is dropped).
std::string decode_value(std::string_view value) {
  std::string out;
  bool previous_encoded = false;
  bool first = true;
  for (const std::string& token : split_on(value, " ")) {
    const bool encoded = is_encoded_word(token);
    if (!first && !(encoded && previous_encoded)) out += ' ';
    out += encoded ? decode_word(token) : token;
    previous_encoded = encoded;
    first = false;
  }
  return out;
}

struct Parsed {
  std::vector<std::string> header_lines;                      // as written (folded)
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded, value raw
  std::string body;

  std::string raw(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return "(missing)";
  }
  std::string decoded(std::string_view name) const { return decode_value(raw(name)); }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& header : headers) out.push_back(header.first);
    return out;
  }
};

Parsed parse(const std::string& message) {
  Parsed parsed;
  const size_t end = message.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos);
  parsed.body = message.substr(end + 4);
  for (const std::string& line : split_on(message.substr(0, end), "\r\n")) {
    parsed.header_lines.push_back(line);
    if (!line.empty() && line.front() == ' ') {
      EXPECT_FALSE(parsed.headers.empty()) << line;
      if (!parsed.headers.empty()) parsed.headers.back().second += line;  // unfold: drop CRLF
      continue;
    }
    const size_t colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << line;
    std::string value = line.substr(colon + 1);
    if (value.starts_with(" ")) value.erase(0, 1);
    parsed.headers.emplace_back(line.substr(0, colon), value);
  }
  // A value folded before its first token starts with the folding space.
  for (auto& header : parsed.headers) {
    if (header.second.starts_with(" ")) header.second.erase(0, 1);
  }
  return parsed;
}

struct Part {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string decoded;
};

std::vector<Part> parts_of(const Parsed& parsed, const std::string& boundary) {
  std::vector<Part> parts;
  std::vector<std::string> pieces = split_on(parsed.body, "--" + boundary);
  EXPECT_GE(pieces.size(), 3u);
  EXPECT_EQ(pieces.back(), "--\r\n");  // the close delimiter ends the message
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    std::string piece = pieces[i];
    EXPECT_TRUE(piece.starts_with("\r\n")) << piece;
    EXPECT_TRUE(piece.ends_with("\r\n")) << piece;  // the delimiter's own CRLF
    piece = piece.substr(2, piece.size() - 4);
    const size_t blank = piece.find("\r\n\r\n");
    EXPECT_NE(blank, std::string::npos);
    Part part;
    for (const std::string& line : split_on(piece.substr(0, blank), "\r\n")) {
      const size_t colon = line.find(": ");
      part.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    part.decoded = base64_decode(piece.substr(blank + 4));
    parts.push_back(part);
  }
  return parts;
}

EmailHeaders sample_headers() {
  return EmailHeaders{
      .from = "sgwatch <alerts@example.com>",
      .to = {"owner@example.com", "ops@example.com"},
      .message_id = "<a-0011223344556677@sgwatch.invalid>",
      .date = kDate,
      .list_id = "sgwatch alerts <alerts.sgwatch.invalid>",
      .extra = {{"X-Sgwatch-Alert-Id", "a-0011223344556677"},
                {"Auto-Submitted", "auto-generated"}},
  };
}

EmailContent sample_content() {
  return EmailContent{
      .subject = "[sgwatch] sg-0123456789abcdef0 opened 22/tcp to 0.0.0.0/0",
      .text = "A rule was added.\nGroup: sg-0123456789abcdef0\nRule: 22/tcp from 0.0.0.0/0\n",
      .html = "<p>A rule was added.</p>\n<p>Group: <code>sg-0123456789abcdef0</code></p>\n",
  };
}

// The properties every message must have, whatever went in.
void expect_well_formed(const std::string& message) {
  ASSERT_FALSE(message.empty());
  for (size_t i = 0; i < message.size(); ++i) {
    const auto c = static_cast<unsigned char>(message[i]);
    ASSERT_LT(c, 0x80) << "not 7-bit at " << i;
    ASSERT_NE(c, 0) << "NUL at " << i;
    if (c == '\r') {
      ASSERT_EQ(message[i + 1], '\n') << "bare CR at " << i;
    }
    if (c == '\n') {
      ASSERT_EQ(message[i - 1], '\r') << "bare LF at " << i;
    }
  }
  ASSERT_TRUE(message.ends_with("\r\n"));
  for (const std::string& line : split_on(message, "\r\n")) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_NE(line, ".");
    // No line of the header section is whitespace only (it would end the section for
    // some readers, or be an obsolete fold).
    if (!line.empty()) {
      EXPECT_NE(line.find_first_not_of(" \t"), std::string::npos);
    }
  }
  const Parsed parsed = parse(message);
  for (const std::string& line : parsed.header_lines) {
    // Lines holding encoded-words: each word at most 75 characters, whole UTF-8 inside.
    for (const std::string& token : split_on(line, " ")) {
      if (!is_encoded_word(token)) continue;
      EXPECT_LE(token.size(), 75u) << token;
      EXPECT_TRUE(whole_utf8(decode_word(token))) << token;
    }
  }
}

TEST(EmailDate, IsRfc5322InUtcWithEnglishNames) {
  EXPECT_EQ(rfc5322_date(kDate), "Fri, 27 Nov 2026 14:05:09 +0000");
  EXPECT_EQ(rfc5322_date(Timestamp(milliseconds(0))), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(rfc5322_date(Timestamp(milliseconds(1709251199999))),  // leap day, last ms
            "Thu, 29 Feb 2024 23:59:59 +0000");
  EXPECT_EQ(rfc5322_date(Timestamp(milliseconds(1767225600000))),
            "Thu, 01 Jan 2026 00:00:00 +0000");
}

TEST(EmailMessage, HeadersInOrderWithTheirValues) {
  const std::string message = compose_mime(sample_headers(), sample_content());
  expect_well_formed(message);
  const Parsed parsed = parse(message);
  EXPECT_EQ(parsed.names(),
            (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID", "List-Id",
                                      "X-Sgwatch-Alert-Id", "Auto-Submitted", "MIME-Version",
                                      "Content-Type"}));
  EXPECT_EQ(parsed.raw("Date"), "Fri, 27 Nov 2026 14:05:09 +0000");
  EXPECT_EQ(parsed.raw("From"), "sgwatch <alerts@example.com>");
  EXPECT_EQ(parsed.raw("To"), "owner@example.com, ops@example.com");
  EXPECT_EQ(parsed.raw("Subject"), sample_content().subject);  // plain ASCII: as is
  EXPECT_EQ(parsed.raw("Message-ID"), "<a-0011223344556677@sgwatch.invalid>");
  EXPECT_EQ(parsed.raw("List-Id"), "sgwatch alerts <alerts.sgwatch.invalid>");
  EXPECT_EQ(parsed.raw("X-Sgwatch-Alert-Id"), "a-0011223344556677");
  EXPECT_EQ(parsed.raw("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(parsed.raw("MIME-Version"), "1.0");
  EXPECT_EQ(parsed.raw("Content-Type"),
            "multipart/alternative; boundary=\"" +
                mime_boundary("<a-0011223344556677@sgwatch.invalid>") + "\"");
  // Long enough to be folded before its parameter.
  EXPECT_NE(message.find("Content-Type: multipart/alternative;\r\n boundary=\""),
            std::string::npos);
}

TEST(EmailMessage, BothPartsDecodeBackWithCrlfLineBreaks) {
  EmailContent content = sample_content();
  content.text = "Grüße — 日本\nline two\r\nline three\rend";
  const std::string message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  const Parsed parsed = parse(message);
  const std::vector<Part> parts = parts_of(parsed, mime_boundary(sample_headers().message_id));
  ASSERT_EQ(parts.size(), 2u);
  const std::vector<std::pair<std::string, std::string>> text_headers = {
      {"Content-Type", "text/plain; charset=utf-8"}, {"Content-Transfer-Encoding", "base64"}};
  const std::vector<std::pair<std::string, std::string>> html_headers = {
      {"Content-Type", "text/html; charset=utf-8"}, {"Content-Transfer-Encoding", "base64"}};
  EXPECT_EQ(parts[0].headers, text_headers);
  EXPECT_EQ(parts[1].headers, html_headers);
  EXPECT_EQ(parts[0].decoded, "Grüße — 日本\r\nline two\r\nline three\r\nend");
  EXPECT_EQ(parts[1].decoded,
            "<p>A rule was added.</p>\r\n<p>Group: <code>sg-0123456789abcdef0</code></p>\r\n");
}

TEST(EmailMessage, LongBodiesAreBase64InLinesOf76) {
  EmailContent content = sample_content();
  for (int i = 0; i < 200; ++i) content.text += "Grüße — 日本 " + std::to_string(i) + "\n";
  const std::string message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  const Parsed parsed = parse(message);
  const std::string boundary = mime_boundary(sample_headers().message_id);
  const std::vector<std::string> pieces = split_on(parsed.body, "--" + boundary);
  ASSERT_EQ(pieces.size(), 4u);
  const std::string& text_part = pieces[1];
  const std::string body = text_part.substr(text_part.find("\r\n\r\n") + 4);
  std::vector<std::string> lines = split_on(body, "\r\n");
  lines.pop_back();  // after the last CRLF
  ASSERT_GT(lines.size(), 10u);
  for (size_t i = 0; i + 1 < lines.size(); ++i) EXPECT_EQ(lines[i].size(), 76u) << i;
  EXPECT_LE(lines.back().size(), 76u);
  std::string expected_text = sample_content().text;
  for (int i = 0; i < 200; ++i) expected_text += "Grüße — 日本 " + std::to_string(i) + "\n";
  std::string crlf;
  for (char c : expected_text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(parts_of(parsed, boundary)[0].decoded, crlf);
}

TEST(EmailMessage, EmptyHtmlSendsTheTextPartAlone) {
  EmailContent content = sample_content();
  content.html = "";
  const std::string message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  const std::vector<Part> parts =
      parts_of(parse(message), mime_boundary(sample_headers().message_id));
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].headers[0].second, "text/plain; charset=utf-8");

  content.text = "";  // an empty part is still a well-formed part
  const std::string empty = compose_mime(sample_headers(), content);
  expect_well_formed(empty);
  const std::vector<Part> empty_parts =
      parts_of(parse(empty), mime_boundary(sample_headers().message_id));
  ASSERT_EQ(empty_parts.size(), 1u);
  EXPECT_EQ(empty_parts[0].decoded, "");
}

TEST(EmailMessage, NonAsciiSubjectIsEncodedAndDecodesBack) {
  EmailContent content = sample_content();
  content.subject = "Grüße — 日本";
  std::string message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  Parsed parsed = parse(message);
  EXPECT_TRUE(parsed.raw("Subject").starts_with("=?UTF-8?B?")) << parsed.raw("Subject");
  EXPECT_EQ(parsed.decoded("Subject"), "Grüße — 日本");

  // Long enough for several words: none may cut a character in two.
  std::string long_subject;
  for (int i = 0; i < 12; ++i) long_subject += "Grüße — 日本 ☕ 𝄞 ";
  content.subject = long_subject;
  message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  parsed = parse(message);
  EXPECT_EQ(parsed.decoded("Subject"), long_subject);
  size_t subject_lines = 0;
  for (size_t i = 0; i < parsed.header_lines.size(); ++i) {
    if (parsed.header_lines[i].starts_with("Subject:")) {
      subject_lines = 1;
      while (i + subject_lines < parsed.header_lines.size() &&
             parsed.header_lines[i + subject_lines].starts_with(" ")) {
        ++subject_lines;
      }
    }
  }
  EXPECT_GT(subject_lines, 3u);
}

TEST(EmailMessage, LongAsciiSubjectFoldsAtItsSpaces) {
  EmailContent content = sample_content();
  content.subject =
      "[sgwatch] 111122223333 eu-west-1: sg-0123456789abcdef0 (web-frontend) opened 22/tcp "
      "and 3389/tcp to 0.0.0.0/0 and ::/0, by arn:aws:iam::111122223333:user/alice";
  const std::string message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  const Parsed parsed = parse(message);
  EXPECT_EQ(parsed.raw("Subject"), content.subject);  // unfolding gives it back exactly
  EXPECT_EQ(parsed.raw("Subject").find("=?"), std::string::npos);
  EXPECT_NE(message.find("Subject: [sgwatch]"), std::string::npos);
}

TEST(EmailMessage, AWordTooLongForALineIsEncoded) {
  EmailContent content = sample_content();
  content.subject = "x" + std::string(100, 'y') + " short";
  const std::string message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  EXPECT_EQ(parse(message).decoded("Subject"), content.subject);
}

TEST(EmailMessage, TextThatCouldBeMisreadIsEncoded) {
  for (const std::string& subject : std::vector<std::string>{
           "=?UTF-8?B?Zm9v?=", "a =?x?= b", "tab\there", " leading", "trailing ", "two  spaces",
        "bell\a", std::string("nul\0inside", 10)}) {
    EmailContent content = sample_content();
    content.subject = subject;
    const std::string message = compose_mime(sample_headers(), content);
    expect_well_formed(message);
    const Parsed parsed = parse(message);
    EXPECT_TRUE(is_encoded_word(split_on(parsed.raw("Subject"), " ")[0]))
        << subject << " -> " << parsed.raw("Subject");
    EXPECT_EQ(parsed.decoded("Subject"), subject);
  }
}

TEST(EmailMessage, InvalidUtf8BecomesReplacementCharacters) {
  EmailContent content = sample_content();
  content.subject = "ok \xff\xfe end \xe6\x97";  // stray bytes and a cut sequence
  const std::string message = compose_mime(sample_headers(), content);
  expect_well_formed(message);
  EXPECT_EQ(parse(message).decoded("Subject"), "ok \uFFFD\uFFFD end \uFFFD\uFFFD");
}

TEST(EmailMessage, LineBreaksInValuesCannotInjectHeaders) {
  const std::string injection = "x\r\nBcc: victim@example.net\r\n\r\nbody";
  EmailHeaders headers = sample_headers();
  headers.from = "Evil\r\nBcc: victim@example.net <alerts@example.com>";
  headers.to = {"owner@example.com\r\nBcc: victim@example.net", "bare\nlf@example.com"};
  headers.message_id = "<id\r\nBcc: victim@example.net@sgwatch.invalid>";
  headers.list_id = "list\r\nBcc: x <alerts.sgwatch.invalid\r\nBcc: y>";
  headers.extra = {{"X-Sgwatch-Note", injection}, {"X-Bad\r\nBcc", "value"}};
  EmailContent content = sample_content();
  content.subject = injection;
  const std::string message = compose_mime(headers, content);
  expect_well_formed(message);
  const Parsed parsed = parse(message);
  EXPECT_EQ(parsed.names(),
            (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID", "List-Id",
                                      "X-Sgwatch-Note", "X-Bad--Bcc", "MIME-Version",
                                      "Content-Type"}));
  EXPECT_EQ(message.find("\nBcc"), std::string::npos);
  // Text is encoded: nothing is lost, nothing is a header.
  EXPECT_EQ(parsed.decoded("Subject"), injection);
  EXPECT_EQ(parsed.decoded("X-Sgwatch-Note"), injection);
  EXPECT_EQ(parsed.decoded("From"), "Evil\r\nBcc: victim@example.net <alerts@example.com>");
  // Addresses and ids cannot hold line breaks at all.
  EXPECT_EQ(parsed.raw("To"), "owner@example.com??Bcc??victim@example.net, bare?lf@example.com");
  EXPECT_EQ(parsed.raw("Message-ID"), "<idBcc:victim@example.net@sgwatch.invalid>");
  EXPECT_EQ(parsed.decoded("List-Id"), "list\r\nBcc: x <alerts.sgwatch.invalidBcc:y>");
}

TEST(EmailMessage, DisplayNamesAreQuotedOrEncodedAsNeeded) {
  struct Case {
    std::string from;
    std::string raw;      // "" when encoded
    std::string decoded;  // the From value as read
  };
  for (const Case& c : {
           Case{"alerts@example.com", "alerts@example.com", "alerts@example.com"},
           Case{"<alerts@example.com>", "alerts@example.com", "alerts@example.com"},
           Case{"sgwatch <alerts@example.com>", "sgwatch <alerts@example.com>",
                "sgwatch <alerts@example.com>"},
           Case{"Ops, Security <alerts@example.com>", "\"Ops, Security\" <alerts@example.com>",
                "\"Ops, Security\" <alerts@example.com>"},
           Case{"\"Say \\\"hi\\\"\" <alerts@example.com>",
                "\"Say \\\"hi\\\"\" <alerts@example.com>",
                "\"Say \\\"hi\\\"\" <alerts@example.com>"},
           Case{"Grüße — 日本 <alerts@example.com>", "", "Grüße — 日本 <alerts@example.com>"},
       }) {
    EmailHeaders headers = sample_headers();
    headers.from = c.from;
    const std::string message = compose_mime(headers, sample_content());
    expect_well_formed(message);
    const Parsed parsed = parse(message);
    if (!c.raw.empty()) {
      EXPECT_EQ(parsed.raw("From"), c.raw) << c.from;
    } else {
      EXPECT_TRUE(parsed.raw("From").starts_with("=?UTF-8?B?")) << parsed.raw("From");
    }
    EXPECT_EQ(parsed.decoded("From"), c.decoded) << c.from;
  }
}

TEST(EmailMessage, ManyRecipientsFoldBetweenAddresses) {
  EmailHeaders headers = sample_headers();
  headers.to.clear();
  std::string expected;
  for (int i = 0; i < 12; ++i) {
    headers.to.push_back("owner-" + std::to_string(i) + "@example.com");
    expected += (i ? ", " : "") + headers.to.back();
  }
  const std::string message = compose_mime(headers, sample_content());
  expect_well_formed(message);
  EXPECT_EQ(parse(message).raw("To"), expected);

  headers.to.clear();
  const Parsed none = parse(compose_mime(headers, sample_content()));
  EXPECT_EQ(none.raw("To"), "(missing)");
}

TEST(EmailMessage, BoundaryComesFromTheMessageIdAndCannotOccurInBase64) {
  const std::string boundary = mime_boundary("<a-0011223344556677@sgwatch.invalid>");
  EXPECT_TRUE(boundary.starts_with("sgwatch-alt-"));
  EXPECT_EQ(boundary.size(), 12u + 32u);
  EXPECT_NE(boundary.find('-'), std::string::npos);  // outside base64's alphabet
  EXPECT_EQ(boundary, mime_boundary("<a-0011223344556677@sgwatch.invalid>"));
  EXPECT_NE(boundary, mime_boundary("<a-0011223344556678@sgwatch.invalid>"));

  const std::string message = compose_mime(sample_headers(), sample_content());
  // Two delimiters and the close delimiter, and the parameter.
  EXPECT_EQ(testing::occurrences(message, boundary), 4u);
}

TEST(EmailMessage, EqualInputsGiveEqualBytes) {
  const std::string first = compose_mime(sample_headers(), sample_content());
  EXPECT_EQ(first, compose_mime(sample_headers(), sample_content()));
  EmailHeaders other = sample_headers();
  other.date += std::chrono::seconds(1);
  EXPECT_NE(first, compose_mime(other, sample_content()));
}

TEST(EmailMessage, ExtraHeadersAndListIdAreOptional) {
  EmailHeaders headers = sample_headers();
  headers.list_id = "";
  headers.extra.clear();
  const Parsed parsed = parse(compose_mime(headers, sample_content()));
  EXPECT_EQ(parsed.names(),
            (std::vector<std::string>{"Date", "From", "To", "Subject", "Message-ID",
                                      "MIME-Version", "Content-Type"}));
}

TEST(EmailHeaderText, PlainAsciiIsAsIsAndOthersAreEncodedWords) {
  EXPECT_EQ(encode_header_text("plain text"), "plain text");
  EXPECT_EQ(encode_header_text(""), "");
  EXPECT_EQ(encode_header_text("Grüße"), "=?UTF-8?B?R3LDvMOfZQ==?=");
  EXPECT_EQ(decode_value(encode_header_text("Grüße — 日本")), "Grüße — 日本");
}

TEST(EmailHeaderText, TheFirstLineLeavesRoomForTheName) {
  const std::string text(120, 'z');  // one word too long for any line: encoded
  for (size_t used : {0u, 9u, 30u, 50u}) {
    const std::string value = encode_header_text(text, used);
    const std::vector<std::string> lines = split_on(value, "\r\n");
    ASSERT_GT(lines.size(), 1u);
    EXPECT_LE(used + lines[0].size(), 76u) << used;
    for (size_t i = 1; i < lines.size(); ++i) {
      EXPECT_TRUE(lines[i].starts_with(" "));
      EXPECT_LE(lines[i].size(), 76u);
    }
    std::string unfolded;
    for (const std::string& line : lines) unfolded += line;
    EXPECT_EQ(decode_value(unfolded), text);
  }
}

TEST(EmailAddress, AcceptsPlainAddresses) {
  for (const char* address :
       {"alerts@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.org",
        "x@localhost", "a_b-c=d@[127.0.0.1]", "ops@[IPv6:2001:db8::1]", "UPPER@EXAMPLE.COM"}) {
    auto checked = check_email_address(address);
    EXPECT_TRUE(checked) << address << ": " << checked.error().message;
  }
}

TEST(EmailAddress, RefusesWhatCannotBeWrittenAsIs) {
  for (const std::string& address : std::vector<std::string>{
           "", "no-at-sign", "@example.com", "user@", "a b@example.com", "a@exa mple.com",
        "\"quoted\"@example.com", "a..b@example.com", ".a@example.com", "a.@example.com",
        "user@-example.com", "user@example..com", "user@exa_mple.com",
        "owner@example.com\r\nRCPT TO:<x@y>", "user@example.com>", "<user@example.com>",
        "Grüße@example.com", "user@bücher.example", std::string(65, 'a') + "@example.com",
        "a@" + std::string(250, 'b') + ".com", std::string("nul\0@example.com", 16)}) {
    auto checked = check_email_address(address);
    ASSERT_FALSE(checked) << address;
    EXPECT_EQ(checked.error().code, ErrorCode::kInvalidInput);
    for (char c : checked.error().message) {
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << checked.error().message;
    }
  }
  EXPECT_EQ(check_email_address("a b@example.com").error().message,
            "'a b@example.com' is not a plain email address (local-part@domain): the local "
            "part holds a character that needs quoting");
}

}  // namespace
}  // namespace sgwatch::email_message_test
