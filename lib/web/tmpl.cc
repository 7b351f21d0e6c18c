// The ctemplate shim: a C API over TemplateDictionary and ExpandTemplate.
// Auto-escaping is mandatory: a template whose first line is not an
// AUTOESCAPE pragma is refused, so no page can print a raw variable.
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <ctemplate/template.h>

extern "C" {
#include "log.h"
#include "util.h"
}
#include "tmpl.h"

// A wrapper owns the wrappers of its section and include dictionaries
// (ctemplate owns the dictionaries themselves), so freeing the top one
// frees everything the page made.
struct tmpl_dict {
	ctemplate::TemplateDictionary *d;
	bool owned;
	std::vector<tmpl_dict *> children;
};

static std::string root_dir;
static std::map<std::string, bool> pragma_ok;

extern "C" void
tmpl_init(const char *dir)
{
	root_dir = dir;
	ctemplate::mutable_default_template_cache()->SetTemplateRootDirectory(dir);
}

extern "C" struct tmpl_dict *
tmpl_dict_new(void)
{
	tmpl_dict *t = new (std::nothrow) tmpl_dict;
	if (t == nullptr)
		return nullptr;
	t->d = new ctemplate::TemplateDictionary("page");
	t->owned = true;
	return t;
}

extern "C" void
tmpl_dict_free(struct tmpl_dict *t)
{
	if (t == nullptr)
		return;
	for (tmpl_dict *c : t->children)
		tmpl_dict_free(c);
	if (t->owned)
		delete t->d;
	delete t;
}

extern "C" void
tmpl_set(struct tmpl_dict *t, const char *k, const char *v)
{
	t->d->SetValue(k, v != nullptr ? v : "");
}

extern "C" void
tmpl_set_int(struct tmpl_dict *t, const char *k, long long v)
{
	char s[32];
	snprintf(s, sizeof(s), "%lld", v);
	t->d->SetValue(k, s);
}

extern "C" void
tmpl_show(struct tmpl_dict *t, const char *section)
{
	t->d->ShowSection(section);
}

static tmpl_dict *
wrap(tmpl_dict *parent, ctemplate::TemplateDictionary *d)
{
	tmpl_dict *t = new tmpl_dict;
	t->d = d;
	t->owned = false;
	parent->children.push_back(t);
	return t;
}

extern "C" struct tmpl_dict *
tmpl_add(struct tmpl_dict *t, const char *section)
{
	return wrap(t, t->d->AddSectionDictionary(section));
}

extern "C" struct tmpl_dict *
tmpl_include(struct tmpl_dict *t, const char *name, const char *file)
{
	ctemplate::TemplateDictionary *c = t->d->AddIncludeDictionary(name);
	c->SetFilename(file);
	return wrap(t, c);
}

static bool
has_pragma(const std::string &file)
{
	auto it = pragma_ok.find(file);
	if (it != pragma_ok.end())
		return it->second;
	std::ifstream in(root_dir + "/" + file);
	std::string first;
	std::getline(in, first);
	bool ok = first.rfind("{{%AUTOESCAPE context=\"", 0) == 0;
	pragma_ok[file] = ok;
	return ok;
}

extern "C" int
tmpl_render(const char *file, struct tmpl_dict *t, struct buf *out)
{
	std::string s;
	if (file == nullptr || strstr(file, "..") != nullptr || !has_pragma(file)) {
		log_warnx("tmpl: %s: missing or without AUTOESCAPE pragma", file ? file : "(null)");
		return -1;
	}
	if (!ctemplate::ExpandTemplate(file, ctemplate::STRIP_BLANK_LINES, t->d, &s)) {
		log_warnx("tmpl: cannot expand %s", file);
		return -1;
	}
	return buf_append(out, s.data(), s.size());
}
