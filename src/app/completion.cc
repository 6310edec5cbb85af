#include "app/completion.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <CLI/CLI.hpp>

namespace sgwatch {
namespace {

// Names, options and values go into the script between double quotes and as words of
// compgen -W: only characters that mean nothing to the shell there.
bool is_plain_word(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

bool takes_value(const CLI::Option& option) {
  return option.get_type_size() != 0 && !option.get_type_name().empty();
}

// Commands hidden from --help (`man`, for packaging) are not offered either.
bool offered(const CLI::App& command) {
  return !command.get_group().empty() && is_plain_word(command.get_name());
}

std::vector<const CLI::App*> commands_under(const CLI::App& app) {
  // Option groups are unnamed subcommands in CLI11; their options belong to the parent.
  return app.get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); });
}

// The tables of the script, one entry per command path ("sgwatch", "sgwatch trail show").
struct Tables {
  std::ostringstream commands;  // path -> the commands under it
  std::ostringstream options;   // path -> its named options
  std::ostringstream values;    // "path|--option" -> its values ("" for any)
};

void add_command(const CLI::App& app, const std::string& path, Tables& tables) {
  std::vector<std::string> names;
  for (const CLI::App* sub : commands_under(app)) {
    if (offered(*sub)) names.push_back(sub->get_name());
  }
  if (!names.empty()) tables.commands << "    [\"" << path << "\"]=\"" << join(names) << "\"\n";

  std::vector<std::string> options;
  for (const CLI::Option* option : app.get_options({})) {
    if (option->get_group().empty()) continue;  // hidden
    for (const std::string& name : option->get_lnames()) {
      if (!is_plain_word(name)) continue;
      options.push_back("--" + name);
      if (!takes_value(*option)) continue;
      std::vector<std::string> choices;
      for (const std::string& choice : option_choices(*option)) {
        if (is_plain_word(choice)) choices.push_back(choice);
      }
      tables.values << "    [\"" << path << "|--" << name << "\"]=\"" << join(choices)
                    << "\"\n";
    }
    for (const std::string& name : option->get_snames()) {
      if (is_plain_word(name)) options.push_back("-" + name);
    }
  }
  tables.options << "    [\"" << path << "\"]=\"" << join(options) << "\"\n";

  for (const CLI::App* sub : commands_under(app)) {
    if (offered(*sub)) add_command(*sub, path + " " + sub->get_name(), tables);
  }
}

// The part of the script that uses the tables. Global options (path "sgwatch") are taken
// after any command, so they are offered and their values known everywhere.
constexpr std::string_view kFunctionBody = R"(
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion -n =: || return
  else
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${words[cword]}
    prev=${words[cword-1]}
  fi

  # The command typed so far: the words that name a command under the one before them,
  # leaving out options and the values of those that take one.
  local path=sgwatch word i skip=""
  for ((i = 1; i < cword; i++)); do
    word=${words[i]}
    if [[ -n $skip ]]; then
      skip=""
    elif [[ $word == -*=* ]]; then
      :
    elif [[ $word == -* ]]; then
      [[ -v "values[$path|$word]" || -v "values[sgwatch|$word]" ]] && skip=1
    elif [[ " ${commands[$path]-} " == *" $word "* ]]; then
      path="$path $word"
    fi
  done

  # The value of an option: its set of values, or a file name.
  local key=""
  if [[ -v "values[$path|$prev]" ]]; then
    key="$path|$prev"
  elif [[ -v "values[sgwatch|$prev]" ]]; then
    key="sgwatch|$prev"
  fi
  if [[ -n $key ]]; then
    if [[ -n ${values[$key]} ]]; then
      COMPREPLY=($(compgen -W "${values[$key]}" -- "$cur"))
    else
      compopt -o filenames 2>/dev/null
      COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return
  fi

  if [[ $cur == -* ]]; then
    local offered=${options[$path]-}
    [[ $path != sgwatch ]] && offered="$offered ${options[sgwatch]}"
    COMPREPLY=($(compgen -W "$offered" -- "$cur"))
  elif [[ -n ${commands[$path]-} ]]; then
    COMPREPLY=($(compgen -W "${commands[$path]}" -- "$cur"))
  else
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _sgwatch sgwatch
)";

}  // namespace

std::vector<std::string> option_choices(const CLI::Option& option) {
  // CLI11 shows a checked set in the type name: "TEXT:{text,json}", and a transformer's
  // as "{auto->0,always->1}".
  const std::string type = option.get_type_name();
  const size_t open = type.find('{');
  const size_t close = type.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  std::vector<std::string> out;
  std::string_view list(type.data() + open + 1, close - open - 1);
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    item = item.substr(0, item.find("->"));
    if (!item.empty()) out.emplace_back(item);
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
  }
  return out;
}

std::string render_bash_completion(const CLI::App& root) {
  Tables tables;
  add_command(root, "sgwatch", tables);
  std::ostringstream script;
  script << "# bash completion for sgwatch; generated by `sgwatch completion bash` from its "
            "command table.\n"
         << "_sgwatch() {\n"
         << "  local -A commands=(\n" << tables.commands.str() << "  )\n"
         << "  local -A options=(\n" << tables.options.str() << "  )\n"
         << "  local -A values=(\n" << tables.values.str() << "  )\n"
         << kFunctionBody;
  return script.str();
}

}  // namespace sgwatch
