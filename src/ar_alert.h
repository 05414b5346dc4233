/*
 * GitHub's alerts: a block quote that opens with a line "[!NOTE]",
 * "[!TIP]", "[!IMPORTANT]", "[!WARNING]" or "[!CAUTION]" becomes a box
 * of that kind, with GitHub's markup.
 */

#ifndef _AR_ALERT_H_INCLUDED_
#define _AR_ALERT_H_INCLUDED_


#include <cmark-gfm.h>

#include "ar_buf.h"


int ar_alert_transform(cmark_node *doc);


#endif /* _AR_ALERT_H_INCLUDED_ */
