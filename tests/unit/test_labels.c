/*
 * labels: the built-in English and Japanese 5-point wordings, --labels
 * specs, and Zendesk's binary ratings.
 */
#include "check.h"
#include "voc/labels.h"

static int
find(const struct voc_labels *l, int builtin, const char *s)
{
	int v = -1;

	return voc_labels_find(l, builtin, s, strlen(s), &v) == 0 ? v : -1;
}

int
main(void)
{
	struct voc_error err;
	struct voc_labels *none = voc_labels_parse(NULL, &err);

	CHECK(none != NULL);
	CHECK(find(none, 1, "Very satisfied") == 5);
	CHECK(find(none, 1, "  very SATISFIED ") == 5);
	CHECK(find(none, 1, "Extremely satisfied") == 5);
	CHECK(find(none, 1, "Satisfied") == 4);
	CHECK(find(none, 1, "Neither satisfied nor dissatisfied") == 3);
	CHECK(find(none, 1, "Dissatisfied") == 2);
	CHECK(find(none, 1, "Very dissatisfied") == 1);
	CHECK(find(none, 1, "とても満足") == 5);
	CHECK(find(none, 1, "満足") == 4);
	CHECK(find(none, 1, "ふつう") == 3);
	CHECK(find(none, 1, "どちらでもない") == 3);
	CHECK(find(none, 1, "不満") == 2);
	CHECK(find(none, 1, "とても不満") == 1);
	CHECK(find(none, 1, "Meh") == -1);
	CHECK(find(none, 0, "Satisfied") == -1);	/* builtin off */

	struct voc_labels *l = voc_labels_parse("Very good=5, Good = 4,"
	    "Poor=2,Satisfied=3", &err);
	CHECK(l != NULL);
	CHECK(find(l, 1, "good") == 4);
	CHECK(find(l, 1, "Very good") == 5);
	CHECK(find(l, 1, "Satisfied") == 3);	/* the user's map first */
	CHECK(find(l, 1, "Very satisfied") == 5);
	voc_labels_free(l);
	CHECK(voc_labels_parse("Good", &err) == NULL &&
	    err.kind == VOC_ERR_USAGE);
	CHECK(voc_labels_parse("Good=x", &err) == NULL);
	CHECK(voc_labels_parse("=4", &err) == NULL);

	CHECK(voc_labels_binary("good", 4) == VOC_BINARY_GOOD);
	CHECK(voc_labels_binary(" Bad ", 5) == VOC_BINARY_BAD);
	CHECK(voc_labels_binary("offered", 7) == VOC_BINARY_NOANSWER);
	CHECK(voc_labels_binary("Unoffered", 9) == VOC_BINARY_NOANSWER);
	CHECK(voc_labels_binary("goodish", 7) == VOC_BINARY_NONE);
	voc_labels_free(none);
	return check_done("test_labels");
}
