#include "notify/email_message.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "core/digest.h"

namespace sgwatch {
namespace {

// RFC 2047 limits a line holding encoded-words to 76 characters; RFC 5322 asks for 78.
// One limit for every header line keeps the rule simple and satisfies both.
constexpr std::size_t kMaxLine = 76;
constexpr std::size_t kMaxWord = 75;  // RFC 2047's limit for one encoded-word
constexpr std::string_view kWordStart = "=?UTF-8?B?";
constexpr std::string_view kWordEnd = "?=";
// The smallest word that holds any one character: 4 bytes make 8 base64 characters.
constexpr std::size_t kMinWord = 20;
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
// 57 bytes make 76 base64 characters, the line length RFC 2045 allows at most.
constexpr std::size_t kBase64LineBytes = 57;

bool is_printable_ascii(char c) { return c >= 0x20 && c <= 0x7e; }

// For messages: the text with anything unprintable shown as '?'.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (!is_printable_ascii(c)) c = '?';
  }
  return out;
}

std::string_view trim_blanks(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// --- Base64 ---

// A MIME body: base64 in lines of 76 characters, each ending with CRLF.
std::string base64_lines(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + kBase64LineBytes - 1) / kBase64LineBytes * 78);
  for (size_t at = 0; at < bytes.size(); at += kBase64LineBytes) {
    out += base64(bytes.substr(at, kBase64LineBytes));
    out += "\r\n";
  }
  return out;
}

// MIME's canonical form of text: every line break is CRLF (RFC 2046 4.1.1), whether the
// caller wrote LF, CR or CRLF. Base64 carries the bytes exactly, so this is the only place
// where the line breaks get their form.
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// --- UTF-8 ---

// The length of the well-formed UTF-8 sequence that starts `text`, or 0 when there is
// none (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_sequence(std::string_view text) {
  auto byte = [&text](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead == 0xe0) {
    length = 3;
    low = 0xa0;
  } else if ((lead >= 0xe1 && lead <= 0xec) || lead == 0xee || lead == 0xef) {
    length = 3;
  } else if (lead == 0xed) {
    length = 3;
    high = 0x9f;
  } else if (lead == 0xf0) {
    length = 4;
    low = 0x90;
  } else if (lead >= 0xf1 && lead <= 0xf3) {
    length = 4;
  } else if (lead == 0xf4) {
    length = 4;
    high = 0x8f;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xbf) return 0;
  }
  return length;
}

// --- Header values ---

// Encoded-words of whole characters: the first at most `first_length` characters long,
// the others at most kMaxWord. A decoder joins adjacent encoded-words without the space
// between them, so the words may be cut anywhere between two characters.
std::vector<std::string> encoded_words(std::string_view utf8, size_t first_length) {
  auto capacity = [](size_t word_length) {
    return (word_length - kWordStart.size() - kWordEnd.size()) / 4 * 3;
  };
  std::vector<std::string> words;
  std::string chunk;
  size_t room = capacity(std::max(first_length, kMinWord));
  auto flush = [&] {
    words.push_back(fmt::format("{}{}{}", kWordStart, base64(chunk), kWordEnd));
    chunk.clear();
    room = capacity(kMaxWord);
  };
  size_t at = 0;
  while (at < utf8.size()) {
    const size_t length = utf8_sequence(utf8.substr(at));
    const std::string_view character = length == 0 ? kReplacement : utf8.substr(at, length);
    at += length == 0 ? 1 : length;
    if (chunk.size() + character.size() > room) flush();
    chunk += character;
  }
  if (!chunk.empty()) flush();
  return words;
}

// Whether unstructured text can be written as it is: printable ASCII that an RFC 2047
// decoder will not mistake for an encoded-word, with single spaces between words that each
// fit a line, so folding (CRLF before a space) gives back the same text when unfolded.
bool writable_as_is(std::string_view text, size_t first_room) {
  if (text.empty()) return true;
  if (text.find("=?") != std::string_view::npos) return false;
  if (!std::all_of(text.begin(), text.end(), is_printable_ascii)) return false;
  if (text.front() == ' ' || text.back() == ' ') return false;
  if (text.find("  ") != std::string_view::npos) return false;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(' ', begin);
    if (end == std::string_view::npos) end = text.size();
    const size_t room = begin == 0 ? first_room : kMaxLine - 1;
    if (end - begin > room) return false;
    begin = end + 1;
  }
  return true;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(' ', begin);
    if (end == std::string_view::npos) end = text.size();
    words.emplace_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return words;
}

// Unstructured text as tokens to fold between. `first_room` is the space left on the
// line where the first token goes.
std::vector<std::string> text_tokens(std::string_view utf8, size_t first_room) {
  if (utf8.empty()) return {};
  if (writable_as_is(utf8, first_room)) return split_words(utf8);
  // Too little room for a word on the first line: it starts the next line instead.
  return encoded_words(utf8, first_room >= kMinWord ? std::min(first_room, kMaxWord) : kMaxWord);
}

// Joins tokens with single spaces; a space where the line would pass kMaxLine becomes
// CRLF + space (folding). `column` is the line's length before the first token, which is
// preceded by a space when `space_first`. A token longer than a line is left whole.
std::string fold(const std::vector<std::string>& tokens, size_t column, bool space_first) {
  std::string out;
  size_t line = column;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& token = tokens[i];
    if (i > 0 || space_first) {
      // Before the first token a break only helps when the token then fits its line.
      const bool helps = i > 0 || 1 + token.size() <= kMaxLine;
      if (line + 1 + token.size() > kMaxLine && helps) {
        out += "\r\n";
        line = 0;
      }
      out += ' ';
      ++line;
    }
    out += token;
    line += token.size();
  }
  return out;
}

// The phrase of a display name: atoms, one quoted string, or encoded-words.
std::vector<std::string> phrase_tokens(std::string_view name, size_t first_room) {
  const bool needs_encoding =
      name.find("=?") != std::string_view::npos ||
      !std::all_of(name.begin(), name.end(), is_printable_ascii);
  if (!needs_encoding) {
    const bool atoms = name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos &&
                       writable_as_is(name, first_room);
    if (atoms) return split_words(name);
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    quoted += '"';
    if (quoted.size() <= first_room) return {quoted};
  }
  return encoded_words(name, first_room >= kMinWord ? std::min(first_room, kMaxWord) : kMaxWord);
}

// An address as written in a header: as is when it is plain, else with every character
// that could end it, start another, or break the line replaced by '?'.
std::string address_text(std::string_view address) {
  if (check_email_address(address)) return std::string(address);
  std::string out(address);
  for (char& c : out) {
    if (c <= 0x20 || c >= 0x7f || std::strchr("<>,;:\"()\\", c) != nullptr) c = '?';
  }
  return out;
}

// A message or list id: printable ASCII without spaces or angle brackets, in brackets;
// "" when nothing is left.
std::string angle_id(std::string_view id) {
  id = trim_blanks(id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  std::string kept;
  for (char c : id) {
    if (c > 0x20 && c < 0x7f && c != '<' && c != '>') kept += c;
  }
  return kept.empty() ? "" : "<" + kept + ">";
}

struct Mailbox {
  std::string name;     // "" when none
  std::string address;  // the address, or the id of a List-Id
  bool angled = false;  // the address was given in <...>
};

// "Name <address>", "\"Quoted, Name\" <address>" or a bare address.
Mailbox parse_mailbox(std::string_view text) {
  text = trim_blanks(text);
  if (!text.empty() && text.back() == '>') {
    const size_t open = text.rfind('<');
    if (open != std::string_view::npos) {
      Mailbox mailbox;
      mailbox.angled = true;
      mailbox.address = std::string(text.substr(open + 1, text.size() - open - 2));
      std::string_view name = trim_blanks(text.substr(0, open));
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
        name = name.substr(1, name.size() - 2);
        for (size_t i = 0; i < name.size(); ++i) {
          if (name[i] == '\\' && i + 1 < name.size()) ++i;
          mailbox.name += name[i];
        }
      } else {
        mailbox.name = std::string(name);
      }
      return mailbox;
    }
  }
  return Mailbox{"", std::string(text), false};
}

class HeaderWriter {
 public:
  explicit HeaderWriter(std::string& out) : out_(out) {}

  void tokens(std::string_view name, const std::vector<std::string>& tokens) {
    out_ += name;
    out_ += ':';
    out_ += fold(tokens, name.size() + 1, true);
    out_ += "\r\n";
  }
  void text(std::string_view name, std::string_view utf8) {
    tokens(name, text_tokens(utf8, first_room(name)));
  }
  // Mailboxes separated by commas: From (one) and To (several).
  void mailboxes(std::string_view name, const std::vector<std::string>& entries) {
    std::vector<std::string> all;
    for (size_t i = 0; i < entries.size(); ++i) {
      const Mailbox mailbox = parse_mailbox(entries[i]);
      std::vector<std::string> one;
      if (mailbox.name.empty()) {
        one.push_back(address_text(mailbox.address));
      } else {
        one = phrase_tokens(mailbox.name, all.empty() ? first_room(name) : kMaxLine - 1);
        one.push_back("<" + address_text(mailbox.address) + ">");
      }
      if (i + 1 < entries.size()) one.back() += ',';
      all.insert(all.end(), one.begin(), one.end());
    }
    tokens(name, all);
  }

  static size_t first_room(std::string_view name) {
    const size_t used = name.size() + 2;  // "Name: "
    return used < kMaxLine ? kMaxLine - used : 0;
  }

 private:
  std::string& out_;
};

// Field names are printable ASCII without ':' (RFC 5322 2.2).
std::string field_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c <= 0x20 || c >= 0x7f || c == ':') c = '-';
  }
  return out.empty() ? "X-Unnamed" : out;
}

void append_part(std::string& out, std::string_view boundary, std::string_view type,
                 std::string_view utf8) {
  out += fmt::format("--{}\r\n", boundary);
  out += fmt::format("Content-Type: {}; charset=utf-8\r\n", type);
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "\r\n";
  const std::string body = base64_lines(crlf_lines(utf8));
  // The CRLF before the next delimiter belongs to the delimiter: an empty body still
  // needs one after the blank line.
  out += body.empty() ? "\r\n" : body;
}

}  // namespace

std::string bare_address(std::string_view mailbox) { return parse_mailbox(mailbox).address; }

std::string encode_header_text(std::string_view utf8, std::size_t first_line_used) {
  const size_t room = first_line_used < kMaxLine ? kMaxLine - first_line_used : 0;
  return fold(text_tokens(utf8, room), first_line_used, false);
}

std::string rfc5322_date(Timestamp at) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds whole = floor<seconds>(at);
  const sys_days day = floor<days>(whole);
  const year_month_day date{day};
  const hh_mm_ss time{whole - day};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
                     kDays[weekday{day}.c_encoding()], static_cast<unsigned>(date.day()),
                     kMonths[static_cast<unsigned>(date.month()) - 1],
                     static_cast<int>(date.year()), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

std::string mime_boundary(std::string_view message_id) {
  return "sgwatch-alt-" + sha256_hex(message_id).substr(0, 32);
}

Status check_email_address(std::string_view address) {
  auto refuse = [address](std::string_view why) {
    return invalid(fmt::format("'{}' is not a plain email address (local-part@domain): {}",
                               printable(address), why));
  };
  if (address.empty()) return invalid("the email address is empty");
  if (address.size() > 254) return refuse("it is longer than 254 characters");
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos) return refuse("it has no '@'");
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.empty()) return refuse("the local part is empty");
  if (local.size() > 64) return refuse("the local part is longer than 64 characters");
  for (char c : local) {
    const bool atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') ||
                       (c != '\0' && std::strchr("!#$%&'*+-/=?^_`{|}~.", c) != nullptr);
    if (!atext) return refuse("the local part holds a character that needs quoting");
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return refuse("the local part has a misplaced '.'");
  }
  if (domain.empty()) return refuse("the domain is empty");
  if (domain.front() == '[' && domain.back() == ']') {
    const std::string_view literal = domain.substr(1, domain.size() - 2);
    const bool ok = !literal.empty() && std::all_of(literal.begin(), literal.end(), [](char c) {
      // IPv4 digits and dots, or "IPv6:" and hex digits and colons.
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c == '.' || c == ':';
    });
    if (!ok) return refuse("the address literal is malformed");
    return {};
  }
  size_t begin = 0;
  while (begin <= domain.size()) {
    size_t end = domain.find('.', begin);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(begin, end - begin);
    if (label.empty() || label.size() > 63) return refuse("the domain has an empty or long label");
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '-';
      if (!ok) return refuse("the domain holds a character other than letters, digits, '-'");
    }
    if (label.front() == '-' || label.back() == '-') {
      return refuse("a domain label starts or ends with '-'");
    }
    begin = end + 1;
  }
  return {};
}

std::string compose_mime(const EmailHeaders& headers, const EmailContent& content) {
  std::string out;
  out.reserve(1024 + (content.text.size() + content.html.size()) * 4 / 3);
  HeaderWriter write(out);
  write.tokens("Date", {rfc5322_date(headers.date)});
  write.mailboxes("From", {headers.from});
  if (!headers.to.empty()) write.mailboxes("To", headers.to);
  write.text("Subject", content.subject);
  const std::string message_id = angle_id(headers.message_id);
  if (!message_id.empty()) write.tokens("Message-ID", {message_id});
  if (!headers.list_id.empty()) {
    const Mailbox list = parse_mailbox(headers.list_id);
    const std::string id = angle_id(list.address);
    if (!id.empty()) {
      std::vector<std::string> tokens;
      if (!list.name.empty()) tokens = phrase_tokens(list.name, HeaderWriter::first_room("List-Id"));
      tokens.push_back(id);
      write.tokens("List-Id", tokens);
    }
  }
  for (const auto& [name, value] : headers.extra) {
    const std::string field = field_name(name);
    write.text(field, value);
  }
  const std::string boundary = mime_boundary(headers.message_id);
  out += "MIME-Version: 1.0\r\n";
  write.tokens("Content-Type",
               {"multipart/alternative;", fmt::format("boundary=\"{}\"", boundary)});
  out += "\r\n";
  append_part(out, boundary, "text/plain", content.text);
  if (!content.html.empty()) append_part(out, boundary, "text/html", content.html);
  out += fmt::format("--{}--\r\n", boundary);
  return out;
}

}  // namespace sgwatch
